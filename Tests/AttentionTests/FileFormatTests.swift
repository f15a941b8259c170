import Attention
import Foundation
import Testing
import _TestSupport

@Suite struct NumPyFormatTests {
  func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/npy/\(name)")
    return Array(try Data(contentsOf: url))
  }

  @Test func readsFilesWrittenByNumPy() throws {
    let expected = try Tensor(shape: [2, 3], scalars: (0..<6).map { Double($0) / 7 })
    #expect(try NumPyFormat.decode(fixture("float64.npy")) == expected)
    #expect(try NumPyFormat.decode(fixture("version2.npy")) == expected)
    // float32 files stay float32 (exactly their values).
    #expect(try NumPyFormat.decode(fixture("float32.npy")) == Tensor([0.5, -1.25, 3.0]).converted(to: .float32))
    #expect(try NumPyFormat.decode(fixture("int64.npy")) == Tensor(rows: [[1, -2], [3, 4]]))
    #expect(try NumPyFormat.decode(fixture("bigendian.npy")) == Tensor([1.5, 2.5]))
    #expect(try NumPyFormat.decode(fixture("scalar.npy")) == Tensor(2.5))
  }

  @Test func roundTrips() throws {
    for tensor in [try randn([3, 4], seed: 1), Tensor([1, .nan, -.infinity]), Tensor(7), try zeros([2, 0, 3])] {
      let decoded = try NumPyFormat.decode(NumPyFormat.encode(tensor))
      #expect(decoded.shape == tensor.shape)
      #expect(decoded.isApproximatelyEqual(to: tensor, tolerance: 0))
    }
    let bytes = NumPyFormat.encode(try zeros([2, 3]))
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    #expect((10 + headerLength) % 64 == 0, "data is aligned as NumPy writes it")
    #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
  }

  @Test func readsFortranOrder() throws {
    let expected = try Tensor(shape: [2, 3], scalars: (0..<6).map { Double($0) / 7 })
    #expect(try NumPyFormat.decode(fixture("fortran.npy")) == expected)
    let fortran3 = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
    #expect(try NumPyFormat.decode(fixture("fortran3.npy")) == fortran3.converted(to: .float32))
  }

  @Test func refusesWhatItCannotRead() throws {
    #expect(
      throws: TensorError("load", "unsupported dtype '|b1'; float64, float32, int64 and int32 are supported")
    ) { try NumPyFormat.decode(fixture("bool.npy")) }
    #expect(
      throws: TensorError("load", "the file is truncated: shape [2, 3] needs 48 bytes of data, it has 43")
    ) { try NumPyFormat.decode(fixture("truncated.npy")) }
    #expect(throws: TensorError("load", "not a .npy file (it does not start with \\x93NUMPY)")) {
      try NumPyFormat.decode(Array("x = [1, 2, 3]\n".utf8))
    }
    #expect(throws: TensorError.self) { try NumPyFormat.decode(Array(try fixture("float64.npy").prefix(20))) }
  }
}

@Suite struct CSVFormatTests {
  @Test func readsRowsAndVectors() throws {
    #expect(try CSVFormat.decode("1,2,3\n4, 5 ,6\n") == Tensor(rows: [[1, 2, 3], [4, 5, 6]]))
    #expect(try CSVFormat.decode("# weights\n0.5,0.25,nan\n\n").isApproximatelyEqual(to: Tensor([0.5, 0.25, .nan])))
    #expect(try CSVFormat.decode("1,2\r\n3,4\r\n") == Tensor(rows: [[1, 2], [3, 4]]))
  }

  @Test func roundTrips() throws {
    let matrix = try randn([3, 2], seed: 4)
    #expect(try CSVFormat.decode(CSVFormat.encode(matrix)) == matrix)
    #expect(try CSVFormat.decode(CSVFormat.encode(Tensor([1, -.infinity]))) == Tensor([1, -.infinity]))
  }

  @Test func errorsNameTheLine() {
    #expect(throws: TensorError("load", "line 2: 'x' is not a number")) { try CSVFormat.decode("1,2\n3,x\n") }
    #expect(throws: TensorError("load", "line 2 has 1 values but the first row has 2")) {
      try CSVFormat.decode("1,2\n3\n")
    }
    #expect(throws: TensorError("load", "the CSV file holds no numbers")) { try CSVFormat.decode("\n") }
    #expect(throws: TensorError("save", "CSV holds at most a matrix, got [1, 1, 1]; use .npy")) {
      try CSVFormat.encode(zeros([1, 1, 1]))
    }
  }
}

@Suite struct ArchiveAndSafetensorsTests {
  func path(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/npy/\(name)").path
  }

  func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

  @Test func readsNpzWrittenByNumPy() throws {
    let arrays = try NumPyArchiveFormat.decode(bytes("pair.npz"))
    #expect(arrays.map(\.name) == ["w", "b"])
    let w = try Tensor(shape: [2, 3], scalars: (0..<6).map { Double($0) / 7 })
    #expect(arrays[0].tensor == w)
    #expect(arrays[1].tensor == Tensor([1, -2]).converted(to: .float32))
    #expect(throws: TensorError.self) { try NumPyArchiveFormat.decode(bytes("compressed.npz")) }
    do {
      _ = try NumPyArchiveFormat.decode(bytes("compressed.npz"))
    } catch let error as TensorError {
      #expect(error.reason.contains("compressed (np.savez_compressed); save it with np.savez instead"))
    }
    #expect(throws: TensorError.self) { try NumPyArchiveFormat.decode(Array(try bytes("pair.npz").prefix(100))) }
    #expect(throws: TensorError.self) { try NumPyArchiveFormat.decode(Array("not a zip".utf8)) }
    // Found by the fuzzer: ZIP64 sizes near Int.max once overflowed an addition.
    #expect(throws: TensorError.self) { try NumPyArchiveFormat.decode(bytes("fuzz-npz-overflow.npz")) }
  }

  struct Expected: Decodable {
    var shape: [Int]
    var data: [Double]
  }

  @Test func readsSafetensorsWrittenByTheLibrary() throws {
    let expected = try JSONDecoder().decode(
      [String: Expected].self, from: Data(contentsOf: URL(fileURLWithPath: path("safetensors.json"))))
    var read = try SafetensorsFormat.read(file: path("model.safetensors"))
    read += try SafetensorsFormat.decode(bytes("bf16.safetensors"))
    #expect(Set(read.map(\.name)) == Set(expected.keys))
    for (name, tensor) in read {
      let want = try #require(expected[name])
      #expect(tensor.shape == want.shape, "\(name)")
      #expect(
        tensor.isApproximatelyEqual(to: try Tensor(shape: want.shape, scalars: want.data), tolerance: 0), "\(name)")
    }
    // One tensor by name reads only its bytes.
    let one = try SafetensorsFormat.read(file: path("model.safetensors"), names: ["f64"])
    #expect(one.map(\.name) == ["f64"])
    #expect(throws: TensorError.self) {
      try SafetensorsFormat.read(file: path("model.safetensors"), names: ["nope.weight"])
    }
  }

  @Test func refusesBrokenSafetensors() throws {
    var header = Array(#"{"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}"#.utf8)
    var file =
      (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + [UInt8](repeating: 0, count: 8)
    #expect(throws: TensorError.self) { try SafetensorsFormat.decode(file) }
    header = Array(#"{"x": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 2]}}"#.utf8)
    file = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + [0, 0]
    #expect(throws: TensorError.self) { try SafetensorsFormat.decode(file) }
    #expect(throws: TensorError.self) { try SafetensorsFormat.decode([255, 255, 255, 255, 255, 255, 255, 127, 1]) }
    #expect(throws: TensorError.self) { try SafetensorsFormat.decode([1, 2, 3]) }
  }
}
