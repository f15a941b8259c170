import Foundation

/// Reading Hugging Face's `.safetensors` format: an 8-byte little-endian
/// header length, a JSON header naming each tensor's dtype, shape and byte
/// range, then the raw little-endian data. F64, F32, F16, BF16 and the
/// integer and boolean dtypes are read: F32 and F16 as float32 tensors,
/// BF16 as bfloat16, the rest as float64.
///
/// ``read(file:names:)`` reads the header and then only the byte ranges of
/// the tensors asked for, so one matrix of a large model costs its own size.
public enum SafetensorsFormat {
  /// One tensor's entry in the header.
  public struct Entry: Equatable, Sendable {
    public var name: String
    /// `F32`, `BF16`, …
    public var dtype: String
    public var shape: [Int]
    /// Byte offsets from the start of the data (after the header).
    public var range: Range<Int>
  }

  /// The entries of a file's header, in the order of their data.
  ///
  /// - Throws: ``TensorError`` (operation `load`) for a header that is not
  ///   the format's JSON, an unknown dtype, a byte range that does not fit
  ///   its shape or the data, or ranges that overlap or leave a gap: the
  ///   format requires them to tile the data exactly, so no byte is read twice.
  public static func entries(header: [UInt8], dataSize: Int) throws -> [Entry] {
    func fail(_ reason: String) -> TensorError { TensorError("load", reason) }
    guard let object = try? JSONSerialization.jsonObject(with: Data(header)), let fields = object as? [String: Any]
    else { throw fail("not a .safetensors file (its header is not a JSON object)") }
    var entries: [Entry] = []
    for (name, value) in fields where name != "__metadata__" {
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw fail("malformed .safetensors header entry '\(name)'") }
      guard let size = elementSize(dtype) else {
        throw fail(
          "unsupported dtype \(dtype) of '\(name)'; F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL are read")
      }
      try Tensor.validate(shape: shape, operation: "load")
      let count = try Tensor.elementCount(of: shape, operation: "load")
      let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == bytes,
        offsets[1] <= dataSize
      else {
        throw fail(
          "'\(name)': shape \(Tensor.describe(shape)) of \(dtype) needs \(bytes) bytes, its range is \(offsets[0])..<\(offsets[1]) of \(dataSize)"
        )
      }
      entries.append(Entry(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1]))
    }
    entries.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
    var end = 0
    for entry in entries {
      guard entry.range.lowerBound == end else {
        throw fail(
          entry.range.lowerBound < end
            ? "'\(entry.name)' overlaps the tensor before it (bytes \(entry.range.lowerBound)..<\(entry.range.upperBound)); the format's tensors may not share bytes"
            : "the data has a gap of \(entry.range.lowerBound - end) bytes before '\(entry.name)'; the format's tensors cover it exactly"
        )
      }
      end = entry.range.upperBound
    }
    guard end == dataSize else { throw fail("\(dataSize - end) bytes of data after the last tensor belong to none") }
    return entries
  }

  /// Refuses tensors whose elements together are more than the current
  /// context allows, before any is read.
  static func reserve(_ entries: [Entry]) throws {
    var total = 0
    for entry in entries {
      try ExecutionContext.current.reserve(entry.shape, operation: "load")
      total += entry.shape.reduce(1, *)
    }
    try ExecutionContext.current.reserve([total], operation: "load")
  }

  /// A `.safetensors` file holding `tensors`, each stored as `element`
  /// (`F64`, `F32` or `BF16`; by default as the tensor's own type): the names sorted, the header padded with spaces to a
  /// multiple of 8 bytes, the data in the header's order — what the
  /// `safetensors` package writes and reads.
  ///
  /// - Throws: ``TensorError`` (operation `save`) for two tensors of one name.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], as element: StoredElement? = nil) throws
    -> [UInt8]
  {
    let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    for (first, second) in zip(sorted, sorted.dropFirst()) where first.name == second.name {
      throw TensorError("save", "two tensors are named '\(first.name)'")
    }
    var offset = 0
    var fields: [String] = []
    for (name, tensor) in sorted {
      let stored = StoredElement.of(tensor, requested: element)
      let dtype = stored.safetensorsName
      let end = offset + tensor.count * stored.size
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      fields.append(
        "\(jsonString(name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
    var bytes: [UInt8] = []
    for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(index)))) }
    bytes += header
    for (_, tensor) in sorted { StoredElement.of(tensor, requested: element).append(tensor, to: &bytes) }
    return bytes
  }

  /// `text` as a JSON string literal.
  static func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  /// The tensors of a whole `.safetensors` file in memory, by name.
  public static func decode(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
    let (header, dataStart) = try headerBytes(bytes.count) { range in Array(bytes[range]) }
    let entries = try entries(header: header, dataSize: bytes.count - dataStart)
    try reserve(entries)
    return try entries.map { entry in
      (
        entry.name,
        try tensor(
          entry, bytes: Array(bytes[(dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)]))
      )
    }
  }

  /// The tensors named `names` (all of them when nil) of the file at `path`,
  /// reading only their bytes.
  public static func read(file path: String, names: [String]? = nil) throws -> [(name: String, tensor: Tensor)] {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw TensorError("load", "cannot read '\(path)'") }
    defer { try? handle.close() }
    return try read(handle, shown: path, names: names)
  }

  /// The tensors named `names` (all of them when nil) of the open file
  /// `handle` (`path` names it in messages), reading only their bytes.
  public static func read(_ handle: FileHandle, shown path: String, names: [String]? = nil) throws -> [(
    name: String, tensor: Tensor
  )] {
    let size = Int((try? handle.seekToEnd()) ?? 0)
    func read(_ range: Range<Int>) throws -> [UInt8] {
      try handle.seek(toOffset: UInt64(range.lowerBound))
      let data = try handle.read(upToCount: range.count) ?? Data()
      guard data.count == range.count else { throw TensorError("load", "'\(path)' is truncated") }
      return Array(data)
    }
    let (header, dataStart) = try headerBytes(size, read: read)
    let entries = try entries(header: header, dataSize: size - dataStart)
    var chosen = entries
    if let names {
      chosen = try names.map { name in
        guard let entry = entries.first(where: { $0.name == name }) else {
          let near = entries.map(\.name).filter {
            $0.contains(name.split(separator: ".").last.map(String.init) ?? name)
          }
          throw TensorError(
            "load",
            "'\(path)' has no tensor '\(name)'"
              + (near.isEmpty ? "" : "; it has \(near.prefix(3).joined(separator: ", "))"))
        }
        return entry
      }
    }
    try reserve(chosen)
    return try chosen.map { entry in
      (
        entry.name,
        try tensor(entry, bytes: try read((dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)))
      )
    }
  }

  /// The header's bytes and where the data starts, from a reader of byte ranges.
  static func headerBytes(_ size: Int, read: (Range<Int>) throws -> [UInt8]) throws -> ([UInt8], Int) {
    guard size >= 8 else {
      throw TensorError("load", "not a .safetensors file (shorter than its 8-byte header length)")
    }
    let lengthBytes = try read(0..<8)
    var length: UInt64 = 0
    for (index, byte) in lengthBytes.enumerated() { length |= UInt64(byte) << (8 * UInt64(index)) }
    guard length <= 100_000_000, Int(length) <= size - 8 else {
      throw TensorError("load", "not a .safetensors file (a header of \(length) bytes in a file of \(size))")
    }
    return (try read(8..<(8 + Int(length))), 8 + Int(length))
  }

  static func elementSize(_ dtype: String) -> Int? {
    switch dtype {
    case "F64", "I64", "U64": return 8
    case "F32", "I32", "U32": return 4
    case "F16", "BF16", "I16", "U16": return 2
    case "I8", "U8", "BOOL": return 1
    default: return nil
    }
  }

  static func tensor(_ entry: Entry, bytes: [UInt8]) throws -> Tensor {
    guard let size = elementSize(entry.dtype) else { throw TensorError("load", "unsupported dtype \(entry.dtype)") }
    func bits(_ offset: Int) -> UInt64 {
      var value: UInt64 = 0
      for index in 0..<size { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
      return value
    }
    let count = bytes.count / size
    var scalars = [Double](repeating: 0, count: count)
    let stop = ExecutionContext.current.stop
    for index in 0..<count {
      // A large tensor honours Ctrl-C and the memory guard while it is read.
      if index & 0xFFFFF == 0, stop.isRequested { throw ExecutionContext.Stopped() }
      let raw = bits(index * size)
      switch entry.dtype {
      case "F64": scalars[index] = Double(bitPattern: raw)
      case "F32": scalars[index] = Double(Float(bitPattern: UInt32(raw)))
      case "F16": scalars[index] = halfToDouble(UInt16(raw))
      case "BF16": scalars[index] = Double(Float(bitPattern: UInt32(raw) << 16))
      case "I64": scalars[index] = Double(Int64(bitPattern: raw))
      case "I32": scalars[index] = Double(Int32(truncatingIfNeeded: raw))
      case "I16": scalars[index] = Double(Int16(truncatingIfNeeded: raw))
      case "I8": scalars[index] = Double(Int8(truncatingIfNeeded: raw))
      default: scalars[index] = Double(raw)
      }
    }
    // Floating types keep their precision: F32 and F16 (exact in float32) as
    // float32, BF16 as bfloat16; F64 and integers as float64.
    let dtype: DType =
      switch entry.dtype {
      case "F32", "F16": .float32
      case "BF16": .bfloat16
      default: .float64
      }
    return try Tensor(shape: entry.shape, scalars: scalars, dtype: dtype)
  }

  /// An IEEE half-precision number, exactly.
  static func halfToDouble(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 == 0 ? 1 : -1
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Double(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * cPow(2, Double(exponent - 15))
    }
  }
}

extension StoredElement {
  /// The element's name in a safetensors header.
  var safetensorsName: String {
    switch self {
    case .float64: "F64"
    case .float32: "F32"
    case .bfloat16: "BF16"
    }
  }
}
