/// A lexical token: its kind and where it is in the source.
public struct Token: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case identifier(String)
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, colon, semicolon, dot, equals, arrow
    case plus, minus, star, slash, percent, at, caret
    case plusEquals, minusEquals, starEquals, slashEquals
    case less, lessEqual, greater, greaterEqual, equalEqual, bangEqual
    /// The end of a statement (not produced inside brackets).
    case newline
    case end
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

extension Token.Kind {
  /// How the token is written, for messages ("expected ')'").
  public var spelling: String {
    switch self {
    case .number(let value): return "\(value)"
    case .string(let text): return "\"\(text)\""
    case .identifier(let name): return name
    case .leftParen: return "("
    case .rightParen: return ")"
    case .leftBracket: return "["
    case .rightBracket: return "]"
    case .leftBrace: return "{"
    case .rightBrace: return "}"
    case .arrow: return "->"
    case .percent: return "%"
    case .plusEquals: return "+="
    case .minusEquals: return "-="
    case .starEquals: return "*="
    case .slashEquals: return "/="
    case .comma: return ","
    case .colon: return ":"
    case .semicolon: return ";"
    case .dot: return "."
    case .equals: return "="
    case .plus: return "+"
    case .minus: return "-"
    case .star: return "*"
    case .slash: return "/"
    case .at: return "@"
    case .caret: return "^"
    case .less: return "<"
    case .lessEqual: return "<="
    case .greater: return ">"
    case .greaterEqual: return ">="
    case .equalEqual: return "=="
    case .bangEqual: return "!="
    case .newline: return "end of line"
    case .end: return "end of input"
    }
  }
}

/// A `#` comment, kept so that the comment block right above a `def` can
/// become the function's help.
public struct Comment: Equatable, Sendable {
  /// The text after `#`, without the leading space.
  public var text: String
  public var range: SourceRange
}
