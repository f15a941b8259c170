/// Reading and writing NumPy's `.npy` format (format versions 1.0, 2.0 and
/// 3.0): the bytes `\x93NUMPY`, a version, a header length, a Python dict
/// literal header (`{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`)
/// and the raw C-order data.
///
/// Reading accepts little- or big-endian float64, float32, int64 and int32
/// in C or Fortran order (converted to `Double`); anything else is a clear error.
/// Writing produces version 1.0 little-endian float64.
public enum NumPyFormat {
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The tensor stored in `.npy` bytes.
  ///
  /// - Throws: ``TensorError`` (operation `load`) for a bad magic string,
  ///   an unsupported version, dtype or Fortran order, a malformed header,
  ///   or data shorter than the shape needs.
  public static func decode(_ bytes: [UInt8]) throws -> Tensor {
    func fail(_ reason: String) -> TensorError { TensorError("load", reason) }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw fail("not a .npy file (it does not start with \\x93NUMPY)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("the .npy header is truncated") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default:
      throw fail("unsupported .npy format version \(major).\(bytes[7]); versions 1.0, 2.0 and 3.0 are supported")
    }
    guard headerStart + headerLength <= bytes.count else { throw fail("the .npy header is truncated") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = value(of: "descr", in: header)?.trimmingQuotes,
      let fortran = value(of: "fortran_order", in: header),
      let shapeText = value(of: "shape", in: header)
    else { throw fail("malformed .npy header: \(header.trimmingTrailingSpace)") }
    guard fortran == "False" || fortran == "True" else {
      throw fail("malformed .npy header: fortran_order is \(fortran)")
    }
    let shape = try parseShape(shapeText)
    try Tensor.validate(shape: shape, operation: "load")
    let count = try Tensor.elementCount(of: shape, operation: "load")
    try ExecutionContext.current.reserve(shape, operation: "load")
    guard let element = ElementType(descr) else {
      throw fail("unsupported dtype '\(descr)'; float64, float32, int64 and int32 are supported")
    }
    let dataStart = headerStart + headerLength
    let needed = count.multipliedReportingOverflow(by: element.size)
    guard !needed.overflow, bytes.count - dataStart >= needed.partialValue else {
      throw fail(
        "the file is truncated: shape \(Tensor.describe(shape)) needs \(needed.partialValue) bytes of data, it has \(bytes.count - dataStart)"
      )
    }
    var scalars = [Double](repeating: 0, count: count)
    if fortran == "True" && shape.count > 1 {
      // Column-major (the first index varies fastest): element (i, j, …) sits
      // at i + n₀·(j + n₁·(…)); write it to its row-major place.
      var index = [Int](repeating: 0, count: shape.count)
      for position in 0..<count {
        var rowMajor = 0
        for axis in shape.indices { rowMajor = rowMajor * shape[axis] + index[axis] }
        scalars[rowMajor] = element.read(bytes, at: dataStart + position * element.size)
        for axis in shape.indices {
          index[axis] += 1
          if index[axis] < shape[axis] { break }
          index[axis] = 0
        }
      }
    } else {
      for index in 0..<count {
        scalars[index] = element.read(bytes, at: dataStart + index * element.size)
      }
    }
    return try Tensor(shape: shape, scalars: scalars)
  }

  /// `.npy` bytes (version 1.0, little-endian float64, C order) for `tensor`.
  public static func encode(_ tensor: Tensor) -> [UInt8] {
    let shape =
      tensor.shape.count == 1
      ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
    // Pad so the data starts at a multiple of 64 bytes, ending with a newline.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let length = header.utf8.count
    var bytes = magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    bytes.reserveCapacity(bytes.count + tensor.count * 8)
    for value in tensor.scalars {
      withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return bytes
  }

  /// The text after `'key':` in the header dict, up to the next top-level comma.
  static func value(of key: String, in header: String) -> String? {
    guard let keyRange = header.firstRange(of: "'\(key)'") ?? header.firstRange(of: "\"\(key)\"") else { return nil }
    var rest = header[keyRange.upperBound...].drop { $0 == " " }
    guard rest.first == ":" else { return nil }
    rest = rest.dropFirst().drop { $0 == " " }
    var depth = 0
    var end = rest.startIndex
    while end < rest.endIndex {
      let character = rest[end]
      if character == "(" { depth += 1 }
      if character == ")" { depth -= 1 }
      if depth == 0 && (character == "," || character == "}") { break }
      end = rest.index(after: end)
    }
    if end < rest.endIndex, rest[end] == ")" { end = rest.index(after: end) }
    return String(rest[rest.startIndex..<end]).trimmingTrailingSpace
  }

  static func parseShape(_ text: String) throws -> [Int] {
    let inner = text.trimmingTrailingSpace
    guard inner.hasPrefix("("), inner.hasSuffix(")") else {
      throw TensorError("load", "malformed shape \(text) in the .npy header")
    }
    let parts = inner.dropFirst().dropLast().split(separator: ",").map { $0.filter { $0 != " " && $0 != "L" } }
      .filter { !$0.isEmpty }
    var shape: [Int] = []
    for part in parts {
      guard let size = Int(part), size >= 0 else {
        throw TensorError("load", "malformed shape \(text) in the .npy header")
      }
      shape.append(size)
    }
    return shape
  }

  /// The element types that can be read.
  enum ElementType {
    case float64(bigEndian: Bool), float32(bigEndian: Bool), int64(bigEndian: Bool), int32(bigEndian: Bool)

    init?(_ descr: String) {
      guard descr.count == 3 else { return nil }
      let order = descr.first
      let big: Bool
      switch order {
      case "<", "=": big = false
      case ">": big = true
      case "|": big = false
      default: return nil
      }
      switch descr.dropFirst() {
      case "f8": self = .float64(bigEndian: big)
      case "f4": self = .float32(bigEndian: big)
      case "i8": self = .int64(bigEndian: big)
      case "i4": self = .int32(bigEndian: big)
      default: return nil
      }
    }

    var size: Int {
      switch self {
      case .float64, .int64: return 8
      case .float32, .int32: return 4
      }
    }

    func read(_ bytes: [UInt8], at offset: Int) -> Double {
      func integer<T: FixedWidthInteger>(_ type: T.Type, bigEndian: Bool) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
          let byte = T(truncatingIfNeeded: bytes[offset + (bigEndian ? MemoryLayout<T>.size - 1 - index : index)])
          value |= byte << (8 * index)
        }
        return value
      }
      switch self {
      case .float64(let big): return Double(bitPattern: integer(UInt64.self, bigEndian: big))
      case .float32(let big): return Double(Float(bitPattern: integer(UInt32.self, bigEndian: big)))
      case .int64(let big): return Double(integer(Int64.self, bigEndian: big))
      case .int32(let big): return Double(integer(Int32.self, bigEndian: big))
      }
    }
  }
}

extension String {
  var trimmingQuotes: String {
    var text = Substring(self)
    while let first = text.first, first == "'" || first == "\"" { text = text.dropFirst() }
    while let last = text.last, last == "'" || last == "\"" { text = text.dropLast() }
    return String(text)
  }

  var trimmingTrailingSpace: String {
    var text = Substring(self)
    while let last = text.last, last == " " || last == "\n" { text = text.dropLast() }
    while let first = text.first, first == " " { text = text.dropFirst() }
    return String(text)
  }
}
