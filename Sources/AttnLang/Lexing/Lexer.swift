/// Turns source bytes into tokens.
///
/// Newlines end statements only outside brackets, so an expression continues
/// onto the next line while a `(` or `[` is open. Inside `{ }` (a block, a
/// record) newlines stay: they separate a block's statements. Mistakes (a stray
/// character, an unterminated string, a number too large for a `Double`)
/// become diagnostics and lexing goes on, so the parser can report the rest.
public struct Lexer {
  let bytes: [UInt8]
  var position = 0
  /// Where lexing stops: the end of the source, or of the part being read.
  let end: Int
  var depth = 0
  /// Open `{` not yet closed.
  var braceDepth = 0
  public private(set) var diagnostics: [Diagnostic] = []
  /// Every comment, in order.
  public private(set) var comments: [Comment] = []

  public init(_ source: SourceFile) {
    bytes = source.bytes
    end = bytes.count
  }

  /// Reads only `range` of the source (a run of whole top-level statements,
  /// see ``statementBoundaries(of:every:)``); ranges stay those of the whole file.
  init(_ source: SourceFile, range: Range<Int>) {
    bytes = source.bytes
    position = max(0, range.lowerBound)
    end = min(bytes.count, range.upperBound)
  }

  /// Offsets where the source can be cut into parts of whole top-level
  /// statements, about `every` bytes apart: after a newline outside every
  /// bracket and brace, and not right after a comment line (which may be the
  /// documentation of the `def` below it). The first is 0, the last the end.
  static func statementBoundaries(of source: SourceFile, every interval: Int) -> [Int] {
    var lexer = Lexer(source)
    var boundaries = [0]
    var lineHadToken = false
    while true {
      let commentsBefore = lexer.comments.count
      let token = lexer.next()
      // Only the count matters here: keep memory flat on a large file.
      if lexer.comments.count > 1000 { lexer.comments.removeAll(keepingCapacity: true) }
      if lexer.diagnostics.count > 1000 { lexer.diagnostics.removeAll(keepingCapacity: true) }
      let lineWasComment = lexer.comments.count != commentsBefore && !lineHadToken
      switch token.kind {
      case .end:
        if boundaries.last != lexer.end { boundaries.append(lexer.end) }
        return boundaries
      case .newline:
        if lexer.braceDepth == 0, !lineWasComment, lexer.position - (boundaries.last ?? 0) >= interval {
          boundaries.append(lexer.position)
        }
        lineHadToken = false
      default:
        lineHadToken = true
      }
    }
  }

  /// Every token up to and including `.end`.
  public mutating func tokenize() -> [Token] {
    var tokens: [Token] = []
    while true {
      let token = next()
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  /// Whether brackets or braces were still open when the input ended — the
  /// REPL then asks for another line instead of reporting an error.
  public var hasOpenBrackets: Bool { depth > 0 || braceDepth > 0 }

  mutating func next() -> Token {
    while position < end {
      let start = position
      let byte = bytes[position]
      position += 1
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
        continue
      case UInt8(ascii: "#"):
        while position < end, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        var text = bytes[(start + 1)..<position]
        if text.first == UInt8(ascii: " ") { text = text.dropFirst() }
        while let last = text.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { text = text.dropLast() }
        comments.append(Comment(text: String(decoding: text, as: UTF8.self), range: SourceRange(start, position)))
      case UInt8(ascii: "\n"):
        if depth == 0 { return Token(.newline, SourceRange(start, position)) }
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        return number(from: start)
      case UInt8(ascii: "."):
        if position < end, isDigit(bytes[position]) { return number(from: start) }
        return Token(.dot, SourceRange(start, position))
      case UInt8(ascii: "\""):
        return string(from: start)
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
        while position < end, isIdentifierByte(bytes[position]) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        return Token(.identifier(name), SourceRange(start, position))
      default:
        if let token = symbol(byte, start: start) { return token }
        report(unexpected: byte, at: start)
      }
    }
    return Token(.end, SourceRange(end, end))
  }

  mutating func symbol(_ byte: UInt8, start: Int) -> Token? {
    func followedBy(_ next: Character) -> Bool {
      guard position < end, bytes[position] == next.asciiValue else { return false }
      position += 1
      return true
    }
    let kind: Token.Kind
    switch byte {
    case UInt8(ascii: "("):
      depth += 1
      kind = .leftParen
    case UInt8(ascii: "["):
      depth += 1
      kind = .leftBracket
    case UInt8(ascii: ")"):
      depth = max(0, depth - 1)
      kind = .rightParen
    case UInt8(ascii: "]"):
      depth = max(0, depth - 1)
      kind = .rightBracket
    case UInt8(ascii: "{"):
      braceDepth += 1
      kind = .leftBrace
    case UInt8(ascii: "}"):
      braceDepth = max(0, braceDepth - 1)
      kind = .rightBrace
    case UInt8(ascii: ","): kind = .comma
    case UInt8(ascii: ":"): kind = .colon
    case UInt8(ascii: ";"): kind = .semicolon
    case UInt8(ascii: "+"): kind = followedBy("=") ? .plusEquals : .plus
    case UInt8(ascii: "-"): kind = followedBy(">") ? .arrow : followedBy("=") ? .minusEquals : .minus
    case UInt8(ascii: "*"): kind = followedBy("=") ? .starEquals : .star
    case UInt8(ascii: "/"): kind = followedBy("=") ? .slashEquals : .slash
    case UInt8(ascii: "%"): kind = .percent
    case UInt8(ascii: "@"): kind = .at
    case UInt8(ascii: "^"): kind = .caret
    case UInt8(ascii: "<"): kind = followedBy("=") ? .lessEqual : .less
    case UInt8(ascii: ">"): kind = followedBy("=") ? .greaterEqual : .greater
    case UInt8(ascii: "="): kind = followedBy("=") ? .equalEqual : .equals
    case UInt8(ascii: "!"):
      guard followedBy("=") else { return nil }
      kind = .bangEqual
    default: return nil
    }
    return Token(kind, SourceRange(start, position))
  }

  mutating func number(from start: Int) -> Token {
    while position < end, isDigit(bytes[position]) { position += 1 }
    if position < end, bytes[position] == UInt8(ascii: ".") {
      position += 1
      while position < end, isDigit(bytes[position]) { position += 1 }
    }
    if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
      var lookahead = position + 1
      if lookahead < end, bytes[lookahead] == UInt8(ascii: "+") || bytes[lookahead] == UInt8(ascii: "-") {
        lookahead += 1
      }
      if lookahead < end, isDigit(bytes[lookahead]) {
        position = lookahead
        while position < end, isDigit(bytes[position]) { position += 1 }
      }
    }
    let range = SourceRange(start, position)
    let spelling = String(decoding: bytes[start..<position], as: UTF8.self)
    guard let value = Double(spelling), value.isFinite else {
      diagnostics.append(
        Diagnostic("number \(spelling) is too large; the largest is about 1.8e308", at: range))
      return Token(.number(0), range)
    }
    return Token(.number(value), range)
  }

  /// A string literal. Escapes: `\n`, `\t`, `\r`, `\"`, `\\` and `\u{…}`
  /// (a Unicode scalar in 1 to 8 hex digits, as Swift writes it); any other
  /// escape is an error, as is text that is not UTF-8.
  mutating func string(from start: Int) -> Token {
    var content: [UInt8] = []
    while position < end {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\n") { break }
      position += 1
      if byte == UInt8(ascii: "\"") {
        let range = SourceRange(start, position)
        guard let text = String(validating: content, as: UTF8.self) else {
          diagnostics.append(Diagnostic("the string holds bytes that are not UTF-8 text", at: range))
          return Token(.string(String(decoding: content, as: UTF8.self)), range)
        }
        return Token(.string(text), range)
      }
      if byte == UInt8(ascii: "\\"), position < end {
        let escapeStart = position - 1
        let escaped = bytes[position]
        position += 1
        switch escaped {
        case UInt8(ascii: "n"): content.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): content.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): content.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): content.append(escaped)
        case UInt8(ascii: "u"):
          if let scalar = unicodeEscape() {
            content += Array(String(Character(scalar)).utf8)
          } else {
            diagnostics.append(
              Diagnostic(
                "a \\u escape is written \\u{…} with 1 to 8 hex digits of a Unicode scalar, as \\u{e9} for é",
                at: SourceRange(escapeStart, position)))
          }
        default:
          let shown = String(decoding: bytes[escapeStart..<position], as: UTF8.self)
          diagnostics.append(
            Diagnostic(
              "unknown escape '\(shown)' in a string; escapes are \\n, \\t, \\r, \\\", \\\\ and \\u{…} (write \\\\ for a backslash)",
              at: SourceRange(escapeStart, position)))
        }
        continue
      }
      content.append(byte)
    }
    let range = SourceRange(start, position)
    diagnostics.append(Diagnostic("unterminated string; add a closing \"", at: range))
    return Token(.string(String(decoding: content, as: UTF8.self)), range)
  }

  /// The scalar of a `\u{…}` escape after its `u`, or nil (the position is
  /// then after what was read of it).
  mutating func unicodeEscape() -> Unicode.Scalar? {
    guard position < end, bytes[position] == UInt8(ascii: "{") else { return nil }
    position += 1
    var value: UInt32 = 0
    var digits = 0
    while position < end, let digit = hexValue(bytes[position]) {
      position += 1
      digits += 1
      guard digits <= 8 else { return nil }
      value = value << 4 | digit
    }
    guard position < end, bytes[position] == UInt8(ascii: "}"), digits > 0 else { return nil }
    position += 1
    return Unicode.Scalar(value)
  }

  func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }

  mutating func report(unexpected byte: UInt8, at start: Int) {
    if byte >= 0x80 {
      // Skip the rest of a UTF-8 sequence so one character gives one error.
      while position < end, bytes[position] & 0xC0 == 0x80 { position += 1 }
      let character = String(validating: bytes[start..<position], as: UTF8.self)
      if let character {
        diagnostics.append(
          Diagnostic("unexpected character '\(character)'", at: SourceRange(start, position)))
      } else {
        diagnostics.append(
          Diagnostic(
            "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))", at: SourceRange(start, position)))
      }
      return
    }
    let description =
      byte < 0x20 || byte == 0x7F
      ? "control character 0x\(String(byte, radix: 16, uppercase: true))"
      : "character '\(Character(Unicode.Scalar(byte)))'"
    diagnostics.append(Diagnostic("unexpected \(description)", at: SourceRange(start, position)))
  }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

@inline(__always) func isIdentifierByte(_ byte: UInt8) -> Bool {
  isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
}
