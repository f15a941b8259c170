/// Reading and writing NumPy's `.npz` archives as `np.savez` writes them: a
/// ZIP file of `.npy` members, stored without compression (ZIP64 sizes
/// included when reading). `np.savez_compressed` archives are a clear
/// error, not a crash.
public enum NumPyArchiveFormat {
  /// An archive of `tensors`, each the member `NAME.npy`, in the order given,
  /// as `np.savez` writes one (what `np.load` reads).
  ///
  /// - Throws: ``TensorError`` (operation `save`) for an archive past the
  ///   4 GB a ZIP file without ZIP64 can hold.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], as element: StoredElement? = nil) throws
    -> [UInt8]
  {
    var archive: [UInt8] = []
    var directory: [UInt8] = []
    func append(_ value: Int, _ size: Int, to bytes: inout [UInt8]) {
      for index in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }
    for (name, tensor) in tensors {
      let member = NumPyFormat.encode(tensor, as: element)
      let fileName = Array((name + ".npy").utf8)
      let offset = archive.count
      guard member.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF - member.count, fileName.count <= 0xFFFF else {
        throw TensorError("save", "the .npz archive would pass 4 GB; save the largest tensors to .safetensors")
      }
      let checksum = Int(crc32(member))
      // The fields both headers share: version 2.0, no flags, stored, 1980-01-01 00:00.
      var common: [UInt8] = []
      for (value, size) in [(20, 2), (0, 2), (0, 2), (0, 2), (0x21, 2), (checksum, 4)] {
        append(value, size, to: &common)
      }
      for (value, size) in [(member.count, 4), (member.count, 4), (fileName.count, 2), (0, 2)] {
        append(value, size, to: &common)
      }
      append(0x0403_4B50, 4, to: &archive)
      archive += common + fileName + member
      append(0x0201_4B50, 4, to: &directory)
      append(20, 2, to: &directory)
      directory += common
      for (value, size) in [(0, 2), (0, 2), (0, 2), (0, 4), (offset, 4)] { append(value, size, to: &directory) }
      directory += fileName
    }
    let directoryOffset = archive.count
    guard directoryOffset < 0xFFFF_FFFF - directory.count, tensors.count <= 0xFFFF else {
      throw TensorError("save", "the .npz archive would pass 4 GB or 65 535 arrays; save to .safetensors")
    }
    archive += directory
    append(0x0605_4B50, 4, to: &archive)
    for (value, size) in [
      (0, 2), (0, 2), (tensors.count, 2), (tensors.count, 2), (directory.count, 4), (directoryOffset, 4), (0, 2),
    ] {
      append(value, size, to: &archive)
    }
    return archive
  }

  /// The CRC-32 (ISO 3309, as ZIP uses) of `bytes`.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }

  static let crcTable: [UInt32] = (0..<256).map { index in
    var value = UInt32(index)
    for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
    return value
  }

  /// The arrays of an archive, by name (`w` for the member `w.npy`), in order.
  ///
  /// - Throws: ``TensorError`` (operation `load`) for a file that is not a ZIP
  ///   archive, a compressed member, or a member that is not a valid `.npy`.
  public static func decode(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
    func fail(_ reason: String) -> TensorError { TensorError("load", reason) }
    func integer(_ offset: Int, _ size: Int) throws -> Int {
      guard offset >= 0, offset + size <= bytes.count else { throw fail("the .npz archive is truncated") }
      var value = 0
      for index in 0..<size { value |= Int(bytes[offset + index]) << (8 * index) }
      return value
    }
    guard bytes.count >= 4, try integer(0, 4) == 0x0403_4B50 else {
      throw fail("not a .npz file (it does not start with a ZIP entry)")
    }
    var arrays: [(name: String, tensor: Tensor)] = []
    var offset = 0
    while offset + 4 <= bytes.count, try integer(offset, 4) == 0x0403_4B50 {
      let flags = try integer(offset + 6, 2)
      let method = try integer(offset + 8, 2)
      var compressed = try integer(offset + 18, 4)
      var uncompressed = try integer(offset + 22, 4)
      let nameLength = try integer(offset + 26, 2)
      let extraLength = try integer(offset + 28, 2)
      let nameStart = offset + 30
      guard nameStart + nameLength + extraLength <= bytes.count else { throw fail("the .npz archive is truncated") }
      let name = String(decoding: bytes[nameStart..<(nameStart + nameLength)], as: UTF8.self)
      // ZIP64: the sizes are in the extra field (header id 1).
      var extra = nameStart + nameLength
      let extraEnd = extra + extraLength
      while extra + 4 <= extraEnd {
        let id = try integer(extra, 2)
        let size = try integer(extra + 2, 2)
        if id == 1, size >= 16 {
          uncompressed = try integer(extra + 4, 8)
          compressed = try integer(extra + 12, 8)
        }
        extra += 4 + size
      }
      guard method == 0 else {
        throw fail(
          "'\(name)' in the .npz archive is compressed (np.savez_compressed); save it with np.savez instead")
      }
      guard flags & 0x8 == 0 || compressed > 0 else {
        throw fail("'\(name)' in the .npz archive gives its size after its data; save it with np.savez")
      }
      let dataStart = extraEnd
      // Sizes come from the file: compare without arithmetic that could overflow.
      guard compressed >= 0, compressed == uncompressed, compressed <= bytes.count - dataStart else {
        throw fail("the .npz archive is truncated at '\(name)'")
      }
      let member = Array(bytes[dataStart..<(dataStart + compressed)])
      let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
      guard !arrays.contains(where: { $0.name == key }) else {
        throw fail("'\(key)' appears twice in the .npz archive; its arrays must have different names")
      }
      do {
        arrays.append((key, try NumPyFormat.decode(member)))
      } catch let error as TensorError {
        throw fail("'\(name)' in the .npz archive: \(error.reason)")
      }
      offset = dataStart + compressed
    }
    return arrays
  }
}
