import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// `save` writes what NumPy and Hugging Face's safetensors package read:
/// scripts/make_saved_format_fixtures.py had attn write the files in
/// Fixtures/saved/ and recorded what `np.load` and
/// `safetensors.numpy.load_file` read from them. Here `save` must still
/// write those same bytes, what those libraries read must be what was
/// saved, and `load` must read every file back.
@Suite struct SavedFormatTests {
  struct Read: Decodable {
    var dtype: String
    var shape: [Int]
    var values: [Double]
  }
  struct Reference: Decodable {
    var program: String
    var read: [String: [String: Read]]
  }

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")
  static let reference: Reference? = try? JSONDecoder().decode(
    Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("saved_formats.json")))

  @Test func saveWritesWhatNumPyAndSafetensorsRead() throws {
    let reference = try #require(Self.reference)
    let directory = try makeTemporaryDirectory()
    let session = Session()
    var program = reference.program
    for file in reference.read.keys {
      program = program.replacingOccurrences(
        of: "\"\(file)\"", with: "\"\(directory.appendingPathComponent(file).path)\"")
    }
    _ = try session.values(program)
    #expect(reference.read.count == 6)
    for (file, tensors) in reference.read {
      let written = try Data(contentsOf: directory.appendingPathComponent(file))
      let committed = try Data(contentsOf: Self.fixtures.appendingPathComponent("saved/" + file))
      #expect(written == committed, "save no longer writes the bytes NumPy/safetensors read for \(file)")
      // What the libraries read is what was saved (float32 files: rounded to float32).
      let single = file.contains("32")
      let expected: [String: Tensor] = [
        "wq": try Tensor(rows: [[1.5, -2], [0.25, 4]]), "layer.b": Tensor([0.1, 1e-300, -3]),
        "layer.w": try arange(6) / Tensor(8), "scale": Tensor(2.5),
      ]
      for (name, read) in tensors {
        let tensor: Tensor
        switch file {
        case "vector32.npy": tensor = try arange(6) / Tensor(7)
        case "alone.npz":
          #expect(name == "arr_0", "a tensor alone in an .npz is arr_0, as np.savez names it")
          tensor = try Tensor(rows: [[1, 2], [3, 4]]) / Tensor(3)
        default: tensor = try #require(expected[name], "\(file) holds an unexpected \(name)")
        }
        #expect(read.dtype == (single ? "float32" : "float64"), "\(file) \(name)")
        #expect(read.shape == tensor.shape, "\(file) \(name)")
        let values = single ? tensor.scalars.map { Double(Float($0)) } : Array(tensor.scalars)
        #expect(read.values == values, "\(file) \(name)")
      }
      if !file.hasSuffix(".npy") {
        #expect(Set(tensors.keys) == (file == "alone.npz" ? ["arr_0"] : Set(expected.keys)), "\(file)")
      }
      // And attn reads back what it wrote.
      let loaded = try session.value("load(\"\(directory.appendingPathComponent(file).path)\")")
      if case .record(let record) = loaded {
        #expect(Set(record.fields.map(\.name)) == Set(tensors.keys))
      } else {
        #expect(loaded.tensor.map { Array($0.shape) } == tensors[""]?.shape)
      }
    }
  }

  @Test func saveMistakesAreErrors() throws {
    let directory = try makeTemporaryDirectory()
    let session = Session()
    func error(_ code: String) -> String? { session.errors(code).first?.message }
    let file = { (name: String) in "\"\(directory.appendingPathComponent(name).path)\"" }
    #expect(error("save({a: [1]}, \(file("r.npy")))")?.contains("holds one tensor; save a record to .npz") == true)
    #expect(error("save([1, 2], \(file("t.safetensors")))")?.contains("save a record of them, such as {w: x}") == true)
    #expect(
      error("save({a: list(\"x\")}, \(file("l.npz")))")
        == "save: field 'a.0' is a string; only tensors (and records and lists of them) are saved")
    // Lists are named by position, as PyTorch names a ModuleList's weights.
    _ = try session.values("save({h: list({w: [1, 2]}, {w: [3]}), b: 5}, \(file("m.safetensors")))")
    let saved = try SafetensorsFormat.read(file: directory.appendingPathComponent("m.safetensors").path)
    #expect(saved.map(\.name) == ["b", "h.0.w", "h.1.w"])
    #expect(saved.map(\.tensor) == [Tensor(5), Tensor([1, 2]), Tensor([3])])
    #expect(
      error("save([1], \(file("x.npy")), dtype: \"int8\")")
        == "save: dtype must be \"float64\", \"float32\" or \"bfloat16\", got \"int8\"")
    #expect(error("save([1], \(file("x.csv")), dtype: \"float32\")")?.contains("dtype does not apply") == true)
    #expect(error("save(\"text\", \(file("x.npy")))") == "save: can save a tensor or a record of tensors, not a string")
    // A record nested a million deep is refused at the depth every structured operation allows, not by the stack.
    let deep = "r = {w: [1]}\nfor i in range(1000000) { r = {a: r} }\nsave(r, \(file("deep.npz")))"
    #expect(
      error(deep)
        == "save: records and lists nest more than 1000 deep here; it works on parameters nested at most that deep")
    // A file that says another format by its first bytes is named.
    _ = try session.values("save([1, 2], \(file("a.npz")))")
    try FileManager.default.moveItem(
      at: directory.appendingPathComponent("a.npz"), to: directory.appendingPathComponent("a.npy"))
    #expect(error("load(\(file("a.npy")))")?.contains("is a NumPy archive by its first bytes: name it .npz") == true)
  }
}
