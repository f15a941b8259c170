import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct FileBuiltinTests {
  let directory: URL
  init() throws { directory = try makeTemporaryDirectory() }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  @Test func saveThenLoadRoundTrips() throws {
    let session = Session()
    for name in ["w.npy", "w.csv"] {
      _ = try session.values("W = randn(3, 4, seed: 2)\nsave(W, \"\(path(name))\")")
      #expect(try session.value("load(\"\(path(name))\") == W") == .tensor(try ones([3, 4])), "\(name)")
    }
  }

  @Test func loadsWhatNumPyWrote() throws {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("AttentionTests/Fixtures/npy/float32.npy").path
    // A float32 file stays float32 unless asked otherwise.
    #expect(try Session().value("load(\"\(fixture)\")") == .tensor(Tensor([0.5, -1.25, 3.0]).converted(to: .float32)))
    #expect(try Session().value("load(\"\(fixture)\", dtype: \"float64\")") == .tensor(Tensor([0.5, -1.25, 3.0])))
  }

  @Test func fileMistakesAreErrors() throws {
    let session = Session()
    #expect(
      session.errors("load(\"\(path("missing.npy"))\")").map(\.message) == [
        "load: cannot read '\(path("missing.npy"))': no such file"
      ])
    #expect(
      session.errors("load(\"\(path("x.txt"))\")").first?.message.hasPrefix("load: unknown file type '.txt'") == true)
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: path("bad.npy")))
    #expect(
      session.errors("load(\"\(path("bad.npy"))\")").map(\.message) == [
        "load: not a .npy file (it does not start with \\x93NUMPY)"
      ])
    #expect(
      session.errors("save(eye(2), \"/nonexistent-dir/x.npy\")").first?.message.hasPrefix("save: cannot write") == true)
    try FileManager.default.createDirectory(atPath: path("folder.npy"), withIntermediateDirectories: true)
    #expect(
      session.errors("load(\"\(path("folder.npy"))\")").map(\.message) == [
        "load: cannot read '\(path("folder.npy"))': not a regular file (it is a directory)"
      ])
  }

  @Test func tempdirIsTheSessionsOwnAndGoesWithIt() throws {
    var session: Session? = Session()
    guard case .string(let directory)? = try session?.value("tempdir()"),
      case .string(let file)? = try session?.value("tempdir(\"w.npy\")")
    else {
      Issue.record("tempdir gives no string")
      return
    }
    #expect(file == directory + "/w.npy")
    #expect(try session?.value("tempdir()") == .string(directory), "one directory per session")
    _ = try session?.values("save(eye(2), tempdir(\"w.npy\"))")
    #expect(FileManager.default.fileExists(atPath: file))
    #expect(try session?.value("sum(load(tempdir(\"w.npy\")))") == .tensor(Tensor(2)))
    #expect(
      Session().errors("tempdir(\"../x\")").map(\.message) == ["tempdir: '../x' is not a file name (no '/' in it)"])
    #expect(try Session().value("tempdir()") != .string(directory), "another session has another")
    session = nil
    #expect(!FileManager.default.fileExists(atPath: directory), "removed with the session")
  }

  @Test func svgIsWellFormedWithOneCellPerValueAndLabels() throws {
    let file = path("a.svg")
    _ = try Session().values(
      "svg(softmax([[1, 2, 3], [3, 2, 1]]), \"\(file)\", rows: [\"le\", \"chat\"], cols: [\"the\", \"black\", \"cat\"])"
    )
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: file))
    #expect(document.rootElement()?.name == "svg")
    #expect(try document.nodes(forXPath: "//*[local-name()='rect' and @class='cell']").count == 6)
    let texts = try document.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
    for label in ["le", "chat", "the", "black", "cat"] { #expect(texts.contains(label)) }
    let tooltips = try document.nodes(forXPath: "//*[local-name()='title']").compactMap(\.stringValue)
    #expect(tooltips.contains { $0.hasPrefix("le → the: 0.0900305") })
  }

  @Test func svgOfHeadsAndBars() throws {
    let heads = path("heads.svg")
    _ = try Session().values("svg(multihead(randn(3, 4, seed: 1), heads: 2), \"\(heads)\")")
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: heads))
    #expect(try document.nodes(forXPath: "//*[local-name()='rect' and @class='cell']").count == 18)
    let bars = path("bars.svg")
    _ = try Session().values("svg(bars([0.1, 0.9], labels: [\"<a>\", \"b&c\"]), \"\(bars)\")")
    let barDocument = try XMLDocument(contentsOf: URL(fileURLWithPath: bars))
    #expect(try barDocument.nodes(forXPath: "//*[local-name()='rect' and @class='bar']").count == 2)
    #expect(
      Session().errors("svg(eye(2), \"\(path("x.png"))\")").first?.message.hasPrefix("svg: unknown file type") == true)
  }

  /// Models' files: .safetensors and .npz as records of their tensors, one
  /// tensor by name, CSV with a header line.
  @Test func modelFilesLoadAsRecords() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("AttentionTests/Fixtures/npy")
    let model = fixtures.appendingPathComponent("model.safetensors").path
    let pair = fixtures.appendingPathComponent("pair.npz").path
    let session = Session()
    #expect(try session.value("load(\"\(model)\")[\"f64\"]") == .tensor(Tensor([1.0 / 3, -2.5])))
    #expect(
      try session.value("shape(load(\"\(model)\")[\"encoder.layer.0.query.weight\"])") == .tensor(Tensor([2, 3])))
    #expect(try session.value("load(\"\(model)\", name: \"i64\")") == .tensor(try Tensor(rows: [[7, -3]])))
    #expect(try session.value("load(\"\(pair)\").b") == .tensor(Tensor([1, -2]).converted(to: .float32)))
    #expect(try session.value("load(\"\(pair)\", name: \"w\")[1, 2]") == .number(5.0 / 7))
    #expect(
      session.errors("load(\"\(pair)\", name: \"x\")").first?.message == "load: '\(pair)' has no array 'x'; it has w, b"
    )
    #expect(
      session.errors("load(\"\(model)\", name: \"q\")").first?.message.hasPrefix("load: '\(model)' has no tensor 'q'")
        == true)
    let csv = path("named.csv")
    try "query,key,weight\n0,1,0.25\n1,0,0.75\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(
      try session.value("load(\"\(csv)\").columns") == .list([.string("query"), .string("key"), .string("weight")]))
    #expect(try session.value("load(\"\(csv)\").data[1, 2]") == .number(0.75))
    let junk = path("junk.safetensors")
    try Data([255, 255, 255, 255, 0, 0, 0, 0, 1, 2, 3]).write(to: URL(fileURLWithPath: junk))
    #expect(session.errors("load(\"\(junk)\")").first?.message.contains("not a .safetensors file") == true)
    #expect(
      session.errors("load(\"\(csv)\", name: \"w\")").first?.message
        == "load: name: picks a tensor of a .npz or .safetensors file")
  }
}
