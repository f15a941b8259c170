import Foundation
import Testing
import _TestSupport

/// Files that lie about their contents, loaded through the real binary:
/// each is refused with a clear error before it costs memory.
@Suite struct FileBombTests {
  func load(_ name: String, _ bytes: [UInt8], arguments: [String] = []) throws -> AttnProcess.Result {
    let directory = try makeTemporaryDirectory()
    try Data(bytes).write(to: directory.appendingPathComponent(name))
    return try AttnProcess.run(
      ["run"] + arguments + ["-"], input: "x = load(\"\(name)\")\nfields(x)\n", directory: directory)
  }

  /// A `.safetensors` file: its JSON header, then `data`.
  func safetensors(_ header: String, data: [UInt8]) -> [UInt8] {
    let json = Array(header.utf8)
    var length = UInt64(json.count)
    var bytes: [UInt8] = []
    for _ in 0..<8 {
      bytes.append(UInt8(length & 0xFF))
      length >>= 8
    }
    return bytes + json + data
  }

  /// 200 entries pointing at the same bytes once made gigabytes from megabytes.
  @Test func overlappingSafetensorsEntriesAreRefused() throws {
    let entries = (0..<200).map { #""t\#($0)": {"dtype": "F64", "shape": [1000], "data_offsets": [0, 8000]}"# }
    let file = safetensors("{" + entries.joined(separator: ", ") + "}", data: [UInt8](repeating: 0, count: 8000))
    let result = try load("bomb.safetensors", file)
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stderr.contains("overlaps the tensor before it"), "\(result.stderr)")
  }

  @Test func safetensorsWithAGapOrTrailingBytesAreRefused() throws {
    let gap = safetensors(
      #"{"a": {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]}}"#, data: [UInt8](repeating: 0, count: 16))
    #expect(try load("gap.safetensors", gap).stderr.contains("the data has a gap of 8 bytes before 'a'"))
    let trailing = safetensors(
      #"{"a": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}"#, data: [UInt8](repeating: 0, count: 24))
    #expect(try load("tail.safetensors", trailing).stderr.contains("16 bytes of data after the last tensor"))
  }

  /// What a load may make is bounded by the element limit before anything is read.
  @Test func aLoadIsBoundedByTheElementLimitAsAWhole() throws {
    let file = safetensors(
      #"{"a": {"dtype": "F64", "shape": [1000], "data_offsets": [0, 8000]}, "b": {"dtype": "F64", "shape": [1000], "data_offsets": [8000, 16000]}}"#,
      data: [UInt8](repeating: 0, count: 16000))
    let refused = try load("two.safetensors", file, arguments: ["--max-elements", "1500"])
    #expect(
      refused.stderr.contains("load: shape [2000] has 2000 elements, more than the limit of 1500"), "\(refused.stderr)")
    let loaded = try load("two.safetensors", file)
    #expect(loaded.stdout == "list(\"a\", \"b\")\n", "\(loaded.stderr)")
  }

  /// A `.npz` (a ZIP of stored `.npy` members) with `members`.
  func npz(_ members: [(name: String, data: [UInt8])]) -> [UInt8] {
    func little(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    var bytes: [UInt8] = []
    for member in members {
      let name = Array(member.name.utf8)
      bytes += little(0x0403_4B50, 4) + little(20, 2) + little(0, 2) + little(0, 2) + little(0, 4) + little(0, 4)
      bytes += little(member.data.count, 4) + little(member.data.count, 4) + little(name.count, 2) + little(0, 2)
      bytes += name + member.data
    }
    return bytes
  }

  /// An `.npy` of float64s with `header` as its dict.
  func npy(header dict: String, values: [Double]) -> [UInt8] {
    var header = dict
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
    return bytes
  }

  @Test func anNpzWithTwoMembersOfOneNameIsRefused() throws {
    let member = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", values: [1])
    let result = try load("twice.npz", npz([("a.npy", member), ("a.npy", member)]))
    #expect(result.stderr.contains("'a' appears twice in the .npz archive"), "\(result.stderr)")
    #expect(result.status == 1)
  }

  /// The header is read as the Python literal it is: a key's name inside
  /// another value is not the key, and unknown or repeated keys are refused.
  @Test func anNpyHeaderIsParsedNotSearched() throws {
    let good = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", values: [1, 2])
    #expect(try load("good.npy", good).status == 1, "fields of a tensor is an error, the load itself is fine")
    let sneaky = npy(
      header: "{'descr': \"<f8', 'shape': (100000000,), '\", 'fortran_order': False, 'shape': (2,), }", values: [1, 2])
    let result = try load("sneaky.npy", sneaky)
    #expect(result.stderr.contains("unsupported dtype"), "the descr is the whole string: \(result.stderr)")
    let extra = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'shape': (9,)}", values: [1, 2])
    #expect(try load("extra.npy", extra).stderr.contains("'shape' appears twice"))
    let unknown = npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", values: [1, 2])
    #expect(try load("unknown.npy", unknown).stderr.contains("unexpected key 'x'"))
  }
}

/// What the lexer reads from a stranger's file: escapes it knows, errors for
/// the others, a byte-order mark and old Mac line ends, literals held to the limit.
@Suite struct SourceTextTests {
  func run(_ bytes: [UInt8], arguments: [String] = []) throws -> AttnProcess.Result {
    let file = try makeTemporaryDirectory().appendingPathComponent("source.attn")
    try Data(bytes).write(to: file)
    return try AttnProcess.run(["run"] + arguments + [file.path])
  }

  @Test func escapesAreKnownOrErrors() throws {
    let known = try run(Array(#"print("a\tb\\c\"d\u{e9}\u{1F600}")"#.utf8) + [0x0A])
    #expect(known.stdout == "a\tb\\c\"dé😀\n", "\(known.stderr)")
    let unknown = try run(Array(#"x = "C:\Users""#.utf8) + [0x0A])
    #expect(unknown.stderr.contains("unknown escape '\\U' in a string"), "\(unknown.stderr)")
    let badUnicode = try run(Array(#"x = "a\u0000b""#.utf8) + [0x0A])
    #expect(badUnicode.stderr.contains("a \\u escape is written \\u{…}"), "\(badUnicode.stderr)")
    let invalid = try run(Array("x = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8))
    #expect(invalid.stderr.contains("the string holds bytes that are not UTF-8 text"))
  }

  @Test func aByteOrderMarkAndBareCarriageReturnsAreRead() throws {
    let result = try run([0xEF, 0xBB, 0xBF] + Array("x = 1\ry = 2\rx + y\r".utf8))
    #expect(result.stdout == "3\n", "\(result.stderr)")
  }

  @Test func aFieldGivenTwiceIsOneError() throws {
    let result = try run(Array("x = {a: 1, a: 2}\n".utf8))
    #expect(result.stderr.components(separatedBy: "error:").count == 2, "\(result.stderr)")
    #expect(result.stderr.contains("field 'a' is given twice"))
  }

  @Test func stringLiteralsAreHeldToTheElementLimit() throws {
    let result = try run(
      Array("s = \"\(String(repeating: "a", count: 2000))\"\nlen(s)\n".utf8), arguments: ["--max-elements", "1000"])
    #expect(result.stderr.contains("a string of 2000 bytes is more than the limit of 1000"), "\(result.stderr)")
    #expect(result.status == 1)
  }
}

/// A gradient inside a gradient that depends on the outer input would be
/// silently wrong (the inner one counts as a constant): it is an error that
/// says so, and a nested gradient that does not depend on it still works.
@Suite struct HigherOrderGradientTests {
  @Test func aDependentInnerGradientIsRefusedNeverZero() throws {
    let input = """
      grad(x -> sum(grad(y -> sum(y*y*y), x)), [1.0, 2.0])
      grad(x -> sum(grad(y -> sum(y * x), [1, 2])), [3.0])
      jacobian(x -> grad(y -> sum(y * y * x), [1.0]), [2.0])
      grad(x -> sum(x * x) + sum(grad(y -> sum(y * y), [1, 2])), [3.0])
      """
    let result = try AttnProcess.run([], input: input + "\n")
    #expect(!result.crashed)
    #expect(
      result.stderr.components(separatedBy: "a gradient inside a gradient that depends on the outer one's input").count
        == 4, "\(result.stderr)")
    #expect(result.stdout == "[6]\n", "the independent inner gradient is a true constant: \(result.stdout)")
  }
}

/// `lines` is held to the list limit before it makes the list.
@Suite struct LinesLimitTests {
  @Test func aFileOfManyLinesIsRefusedBeforeItsListIsMade() throws {
    let directory = try makeTemporaryDirectory()
    try String(repeating: "a\n", count: 3000).write(
      to: directory.appendingPathComponent("many.txt"), atomically: true, encoding: .utf8)
    let refused = try AttnProcess.run(
      ["--max-elements", "1000"], input: "l = lines(\"many.txt\")\n", directory: directory)
    #expect(refused.stderr.contains("lines: a list of 3000 items is more than the limit of 1000"), "\(refused.stderr)")
    let read = try AttnProcess.run([], input: "len(lines(\"many.txt\"))\n", directory: directory)
    #expect(read.stdout == "3000\n")
  }
}

/// Work linear in what is asked: a big picture, a function of many
/// parameters, a record of many fields (each was quadratic or worse).
@Suite struct LinearWorkTests {
  func timed(_ code: String) throws -> (AttnProcess.Result, Double) {
    let file = try makeTemporaryDirectory().appendingPathComponent("work.attn")
    try code.write(to: file, atomically: true, encoding: .utf8)
    let started = Date()
    let result = try AttnProcess.run(["run", file.path], directory: file.deletingLastPathComponent())
    return (result, Date().timeIntervalSince(started))
  }

  @Test func aLargeHeatmapAsSVG() throws {
    let (result, seconds) = try timed("svg(randn(300, 300), \"big.svg\")\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(seconds < 30, "\(seconds) s")
  }

  @Test func manyParametersAndFields() throws {
    let n = 50_000
    let parameters = (0..<n).map { "a\($0)" }.joined(separator: ", ")
    let fields = (0..<n).map { "f\($0): \($0)" }.joined(separator: ", ")
    let code =
      "def f(\(parameters)) = a0 + a\(n - 1)\nf(\(Array(repeating: "1", count: n).joined(separator: ", ")))\n"
      + "r = {\(fields)}\nlen(fields(r))\n"
    let (result, seconds) = try timed(code)
    #expect(result.stdout == "2\n\(n)\n", "\(result.stderr)")
    #expect(seconds < 30, "\(seconds) s")
  }
}
