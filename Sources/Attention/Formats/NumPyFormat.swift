/// Reading and writing NumPy's `.npy` format (format versions 1.0, 2.0 and
/// 3.0): the bytes `\x93NUMPY`, a version, a header length, a Python dict
/// literal header (`{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`)
/// and the raw C-order data.
///
/// Reading accepts little- or big-endian float64, float32, int64 and int32
/// in C or Fortran order (converted to `Double`); anything else is a clear error.
/// Writing produces version 1.0 little-endian float64 (or float32).
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
    let parsed: Header
    do {
      parsed = try Header(header)
    } catch let problem as Header.Problem {
      throw fail("malformed .npy header (\(problem.reason)): \(String(header.trimmingTrailingSpace.prefix(200)))")
    }
    let (descr, shape) = (parsed.descr, parsed.shape)
    let fortran = parsed.fortranOrder ? "True" : "False"
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
    guard case .float32 = element else { return try Tensor(shape: shape, scalars: scalars) }
    return try Tensor(shape: shape, scalars: scalars, dtype: .float32)
  }

  /// `.npy` bytes (version 1.0, little-endian, C order) for `tensor`, its
  /// elements stored as `element` (by default as the tensor's own type;
  /// NumPy has no bfloat16, so bfloat16 is widened to float32, exactly).
  public static func encode(_ tensor: Tensor, as requested: StoredElement? = nil) -> [UInt8] {
    var element = StoredElement.of(tensor, requested: requested)
    if element == .bfloat16 { element = .float32 }
    let shape =
      tensor.shape.count == 1
      ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    let descr = element == .float64 ? "<f8" : "<f4"
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
    // Pad so the data starts at a multiple of 64 bytes, ending with a newline.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    let length = header.utf8.count
    var bytes = magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    element.append(tensor, to: &bytes)
    return bytes
  }

  /// The header: the Python literal of a dict with exactly the keys
  /// `descr` (a string), `fortran_order` (`True` or `False`) and `shape`
  /// (a tuple of whole numbers), read as NumPy's `ast.literal_eval` reads it
  /// — so a key's name inside another value cannot be mistaken for the key.
  struct Header {
    struct Problem: Error {
      var reason: String
    }

    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(_ text: String) throws {
      var scanner = Scanner(Array(text.utf8))
      var seen = Set<String>()
      scanner.skipSpace()
      try scanner.expect(UInt8(ascii: "{"))
      scanner.skipSpace()
      while !scanner.consume(UInt8(ascii: "}")) {
        let key = try scanner.string()
        guard seen.insert(key).inserted else { throw Problem(reason: "'\(key)' appears twice") }
        scanner.skipSpace()
        try scanner.expect(UInt8(ascii: ":"))
        scanner.skipSpace()
        switch key {
        case "descr": descr = try scanner.string()
        case "fortran_order": fortranOrder = try scanner.boolean()
        case "shape": shape = try scanner.tuple()
        default: throw Problem(reason: "unexpected key '\(key)'")
        }
        scanner.skipSpace()
        if !scanner.consume(UInt8(ascii: ",")) {
          try scanner.expect(UInt8(ascii: "}"))
          break
        }
        scanner.skipSpace()
      }
      scanner.skipSpace()
      guard scanner.atEnd else { throw Problem(reason: "text after the dict") }
      for key in ["descr", "fortran_order", "shape"] where !seen.contains(key) {
        throw Problem(reason: "no '\(key)'")
      }
    }

    /// Reads the few Python literals a header holds.
    struct Scanner {
      let bytes: [UInt8]
      var position = 0

      init(_ bytes: [UInt8]) { self.bytes = bytes }

      var atEnd: Bool { position >= bytes.count }

      mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
      }

      mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
      }

      mutating func expect(_ byte: UInt8) throws {
        guard consume(byte) else { throw Problem(reason: "expected '\(Character(Unicode.Scalar(byte)))'") }
      }

      /// `'…'` or `"…"`, without escapes (a header never needs them).
      mutating func string() throws -> String {
        guard position < bytes.count, bytes[position] == 0x27 || bytes[position] == 0x22 else {
          throw Problem(reason: "expected a quoted string")
        }
        let quote = bytes[position]
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != quote {
          guard bytes[position] != 0x5C else { throw Problem(reason: "an escape in a string") }
          position += 1
        }
        guard position < bytes.count else { throw Problem(reason: "an unclosed string") }
        defer { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
      }

      mutating func boolean() throws -> Bool {
        for (word, value) in [("True", true), ("False", false)] where bytes[position...].starts(with: word.utf8) {
          position += word.utf8.count
          return value
        }
        throw Problem(reason: "fortran_order must be True or False")
      }

      /// `()`, `(5,)`, `(2, 3)`: whole numbers (Python 2 wrote them with an `L`).
      mutating func tuple() throws -> [Int] {
        try expect(UInt8(ascii: "("))
        var sizes: [Int] = []
        skipSpace()
        while !consume(UInt8(ascii: ")")) {
          let start = position
          while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
          guard position > start, position - start <= 18,
            let size = Int(String(decoding: bytes[start..<position], as: UTF8.self))
          else { throw Problem(reason: "a shape holds whole numbers") }
          sizes.append(size)
          _ = consume(UInt8(ascii: "L"))
          skipSpace()
          if !consume(UInt8(ascii: ",")) {
            try expect(UInt8(ascii: ")"))
            break
          }
          skipSpace()
        }
        return sizes
      }
    }
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
  var trimmingTrailingSpace: String {
    var text = Substring(self)
    while let last = text.last, last == " " || last == "\n" { text = text.dropLast() }
    while let first = text.first, first == " " { text = text.dropFirst() }
    return String(text)
  }
}
