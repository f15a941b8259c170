/// An expression of the attn language, with the source range it came from.
public struct Expr: Equatable, Sendable {
  public indirect enum Kind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case name(String)
    /// `[a, b, c]`: a tensor literal (or a list of labels).
    case list([Expr])
    case negate(Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `name(arguments)`; only builtins can be called.
    case call(name: String, nameRange: SourceRange, arguments: [CallArgument])
    /// `base[items]`.
    case index(Expr, [IndexItem])
    /// `base.name`.
    case field(Expr, name: String, nameRange: SourceRange)
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A binary operator, loosest first: comparisons, `+ -`, `* / @`, `^`.
public enum BinaryOperator: String, Equatable, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case matmul = "@"
  case power = "^"
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case equal = "=="
  case notEqual = "!="
}

/// One argument of a call: positional (`label == nil`) or named (`axis: 0`).
public struct CallArgument: Equatable, Sendable {
  public var label: String?
  public var labelRange: SourceRange?
  public var value: Expr

  public init(label: String? = nil, labelRange: SourceRange? = nil, value: Expr) {
    self.label = label
    self.labelRange = labelRange
    self.value = value
  }
}

/// One entry of a subscript: `i` or `start:end:step` (each part optional).
public enum IndexItem: Equatable, Sendable {
  case position(Expr)
  case slice(start: Expr?, end: Expr?, step: Expr?, range: SourceRange)
}
