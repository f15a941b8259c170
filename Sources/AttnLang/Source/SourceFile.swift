/// A half-open range of UTF-8 byte offsets into a ``SourceFile``.
public struct SourceRange: Equatable, Hashable, Sendable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(min(start, other.start), max(end, other.end))
  }
}

/// A line and column, both counted from 1; the column counts characters
/// (not bytes), so a caret lands under the right letter in `"über"`.
public struct SourceLocation: Equatable, Sendable {
  public var line: Int
  public var column: Int
}

/// Text being evaluated, with a name for messages (`lesson.attn`, `<stdin>`).
///
/// Input that is not valid UTF-8 is kept byte for byte for the lexer, which
/// reports the offending byte; the `text` form replaces it for display.
public struct SourceFile: Sendable {
  /// The name, bytes and line starts, shared by every copy: a source is
  /// passed around a lot (each call and diagnostic carries one) and copying
  /// it then costs one reference count, not three.
  private final class Storage: Sendable {
    let name: String
    let bytes: [UInt8]
    let lineStarts: [Int]

    init(name: String, bytes: [UInt8]) {
      self.name = name
      self.bytes = SourceFile.normalized(bytes)
      var starts = [0]
      for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
        starts.append(offset + 1)
      }
      lineStarts = starts
    }
  }

  private let storage: Storage

  public var name: String { storage.name }
  public var bytes: [UInt8] { storage.bytes }
  /// Byte offsets at which each line starts.
  var lineStarts: [Int] { storage.lineStarts }

  public init(name: String, bytes: [UInt8]) {
    storage = Storage(name: name, bytes: bytes)
  }

  public init(name: String, text: String) {
    self.init(name: name, bytes: Array(text.utf8))
  }

  /// `bytes` without a UTF-8 byte-order mark at the start, and with each
  /// bare carriage return (old Mac line ends) read as a line end: the same
  /// length, so every offset stays.
  static func normalized(_ bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard bytes.contains(0x0D) else { return bytes }
    for index in bytes.indices where bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A) {
      bytes[index] = 0x0A
    }
    return bytes
  }

  /// The whole source as a string (invalid UTF-8 shown as U+FFFD).
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// The 0-based index of the line holding `offset`.
  func lineIndex(of offset: Int) -> Int {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return low
  }

  /// The line and column of a byte offset.
  public func location(of offset: Int) -> SourceLocation {
    let index = lineIndex(of: offset)
    let start = lineStarts[index]
    let prefix = bytes[start..<min(max(offset, start), bytes.count)]
    return SourceLocation(line: index + 1, column: String(decoding: prefix, as: UTF8.self).count + 1)
  }

  /// The text of the 1-based line `number`, without its newline.
  public func line(_ number: Int) -> String {
    guard number >= 1, number <= lineStarts.count else { return "" }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  /// Whether only spaces and tabs come before `range` on its line.
  func isAlone(_ range: SourceRange) -> Bool {
    let start = lineStarts[lineIndex(of: range.start)]
    return bytes[start..<min(range.start, bytes.count)].allSatisfy {
      $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t")
    }
  }

  /// The source text a range covers.
  public func text(in range: SourceRange) -> String {
    let start = min(range.start, bytes.count)
    let end = min(range.end, bytes.count)
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
