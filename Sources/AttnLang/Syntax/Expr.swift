/// An expression of the attn language, with the source range it came from.
public struct Expr: Equatable, Sendable {
  public indirect enum Kind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case name(String)
    /// `[a, b, c]`: a tensor literal when every element is a tensor, else a list.
    case list([Expr])
    /// `{name: value, …}`: a record literal.
    case record([RecordField])
    case negate(Expr)
    /// `not x`.
    case not(Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `a and b`, `a or b`: the right side runs only when it decides.
    case logical(LogicalOperator, Expr, Expr)
    /// `callee(arguments)`: a builtin, a `def`, a lambda or any expression giving a function.
    case call(callee: Expr, arguments: [CallArgument])
    /// `base[items]`.
    case index(Expr, [IndexItem])
    /// `base.name`.
    case field(Expr, name: String, nameRange: SourceRange)
    /// `x -> body`, `(x, y) -> body`.
    case lambda(FunctionDeclaration)
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, _ range: SourceRange) {
    self.kind = kind
    self.range = range
  }

  /// The name when the expression is a bare name (`softmax` in `softmax(x)`).
  public var name: String? {
    if case .name(let name) = kind { return name }
    return nil
  }
}

/// A binary operator, loosest first: comparisons, `+ -`, `* / % @`, `^`.
public enum BinaryOperator: String, CaseIterable, Equatable, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case remainder = "%"
  case matmul = "@"
  case power = "^"
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case equal = "=="
  case notEqual = "!="
}

/// `and`, `or`.
public enum LogicalOperator: String, Equatable, Sendable {
  case and, or
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

/// One field of a record literal: `lr: 0.1`.
public struct RecordField: Equatable, Sendable {
  public var name: String
  public var nameRange: SourceRange
  public var value: Expr

  public init(name: String, nameRange: SourceRange, value: Expr) {
    self.name = name
    self.nameRange = nameRange
    self.value = value
  }
}

/// One entry of a subscript: `i` or `start:end:step` (each part optional).
public enum IndexItem: Equatable, Sendable {
  case position(Expr)
  case slice(start: Expr?, end: Expr?, step: Expr?, range: SourceRange)
}
