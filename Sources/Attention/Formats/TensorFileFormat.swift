/// How a writer stores each element.
public enum StoredElement: String, CaseIterable, Sendable {
  case float64, float32, bfloat16

  /// Bytes per element.
  public var size: Int {
    switch self {
    case .float64: 8
    case .float32: 4
    case .bfloat16: 2
    }
  }

  /// How `tensor` is stored: as `requested`, else as its own type.
  static func of(_ tensor: Tensor, requested: StoredElement?) -> StoredElement {
    if let requested { return requested }
    switch tensor.dtype {
    case .float64: return .float64
    case .float32: return .float32
    case .bfloat16: return .bfloat16
    }
  }

  /// Appends the elements of `tensor`, little-endian, to `bytes` (exact
  /// when this is the tensor's own type, else rounded to nearest).
  func append(_ tensor: Tensor, to bytes: inout [UInt8]) {
    bytes.reserveCapacity(bytes.count + tensor.count * size)
    switch (self, tensor.elements) {
    case (.float32, .float32(let values)):
      for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    case (.bfloat16, .bfloat16(let values)):
      for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    default:
      for value in tensor.scalars {
        switch self {
        case .float64: withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .float32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        case .bfloat16:
          withUnsafeBytes(of: Float(value).bfloat16Bits.littleEndian) { bytes.append(contentsOf: $0) }
        }
      }
    }
  }
}

/// What a tensor file holds: one tensor, tensors by name, or a table (a
/// matrix under a line of column names).
public enum TensorFileContents: Sendable {
  case tensor(Tensor)
  case named([(name: String, tensor: Tensor)])
  case table(columns: [String], data: Tensor)
}

/// A file format tensors are read from and written to: its extension, the
/// bytes its files start with, a reader and a writer. ``all`` is the
/// registry that `load`, `save`, their help and their errors read.
public struct TensorFileFormat: Sendable {
  /// The file name extension, without the dot: `npy`.
  public var fileExtension: String
  /// What the format is, for messages: `a NumPy array`.
  public var description: String
  /// The bytes every file of the format starts with (empty: none).
  public var magic: [UInt8]
  /// Whether it holds tensors by name (a record).
  public var holdsNamedTensors: Bool
  /// Reads a whole file's bytes.
  public var decode: @Sendable ([UInt8]) throws -> TensorFileContents
  /// Writes contents, each element stored as the given type (`nil`: each
  /// tensor as its own ``DType``).
  public var encode: @Sendable (TensorFileContents, StoredElement?) throws -> [UInt8]

  /// `.npy`: one tensor (NumPy's `np.save`).
  public static let npy = TensorFileFormat(
    fileExtension: "npy", description: "a NumPy array", magic: NumPyFormat.magic, holdsNamedTensors: false,
    decode: { .tensor(try NumPyFormat.decode($0)) },
    encode: { contents, element in NumPyFormat.encode(try contents.single(for: "npy"), as: element) })

  /// `.npz`: tensors by name (NumPy's `np.savez`).
  public static let npz = TensorFileFormat(
    fileExtension: "npz", description: "a NumPy archive", magic: [0x50, 0x4B, 0x03, 0x04], holdsNamedTensors: true,
    decode: { .named(try NumPyArchiveFormat.decode($0)) },
    encode: { contents, element in try NumPyArchiveFormat.encode(contents.named(defaultName: "arr_0"), as: element) })

  /// `.safetensors`: tensors by name (Hugging Face's format).
  public static let safetensors = TensorFileFormat(
    fileExtension: "safetensors", description: "a safetensors file", magic: [], holdsNamedTensors: true,
    decode: { .named(try SafetensorsFormat.decode($0)) },
    encode: { contents, element in
      guard case .named(let tensors) = contents else {
        throw TensorError(
          "save", "a .safetensors file holds tensors by name: save a record of them, such as {w: x}")
      }
      return try SafetensorsFormat.encode(tensors, as: element)
    })

  /// `.csv`: a vector or a matrix as text, with an optional line of column names.
  public static let csv = TensorFileFormat(
    fileExtension: "csv", description: "CSV text", magic: [], holdsNamedTensors: false,
    decode: { bytes in
      guard let text = String(validating: bytes, as: UTF8.self) else { throw TensorError("load", "not UTF-8 text") }
      let (header, data) = try CSVFormat.decodeWithHeader(text)
      return header.map { .table(columns: $0, data: data) } ?? .tensor(data)
    },
    encode: { contents, element in
      guard element == nil else { throw TensorError("save", "CSV holds numbers as text; dtype does not apply") }
      return Array(try CSVFormat.encode(try contents.single(for: "csv")).utf8)
    })

  /// Every format, in the order help lists them.
  public static let all: [TensorFileFormat] = [npy, npz, safetensors, csv]

  /// The format a file name's extension names (any case), if any.
  public static func named(byExtension fileExtension: String) -> TensorFileFormat? {
    all.first { $0.fileExtension == fileExtension.lowercased() }
  }

  /// The format whose first bytes `bytes` starts with, if any has such bytes.
  public static func recognizing(_ bytes: [UInt8]) -> TensorFileFormat? {
    all.first { !$0.magic.isEmpty && bytes.starts(with: $0.magic) }
  }

  /// `.npy, .npz, .safetensors or .csv`: for help and messages.
  public static var extensionList: String {
    let names = all.map { "." + $0.fileExtension }
    return names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
  }

  /// `.npz or .safetensors`: the formats that hold tensors by name.
  public static var namedExtensionList: String {
    all.filter(\.holdsNamedTensors).map { "." + $0.fileExtension }.joined(separator: " or ")
  }
}

extension TensorFileContents {
  /// The one tensor of the contents, for a format that holds one.
  func single(for fileExtension: String) throws -> Tensor {
    switch self {
    case .tensor(let tensor): return tensor
    case .table(_, let data): return data
    case .named:
      throw TensorError("save", "a .\(fileExtension) file holds one tensor; save a record to .npz or .safetensors")
    }
  }

  /// The tensors by name; a lone tensor is called `defaultName`.
  func named(defaultName: String) -> [(name: String, tensor: Tensor)] {
    switch self {
    case .tensor(let tensor): return [(defaultName, tensor)]
    case .table(_, let data): return [(defaultName, data)]
    case .named(let tensors): return tensors
    }
  }
}
