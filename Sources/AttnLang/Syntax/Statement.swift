/// A statement. A bare expression's value is printed unless the statement
/// ends with `;` (and never inside a function).
public struct Statement: Equatable, Sendable {
  public indirect enum Kind: Equatable, Sendable {
    /// `target = value`; `target += value` is parsed as `target = target + value`.
    case assign(AssignmentTarget, value: Expr)
    case expression(Expr)
    /// `def name(parameters) = expression` or `def name(parameters) { … }`.
    case function(FunctionDeclaration)
    /// `if c { … } else if d { … } else { … }`.
    case `if`(branches: [ConditionalBlock], otherwise: Block?)
    /// `for name in sequence { … }`.
    case `for`(name: String, nameRange: SourceRange, sequence: Expr, body: Block)
    /// `while condition { … }`.
    case `while`(condition: Expr, body: Block)
    case `break`
    case `continue`
    /// `return` or `return value`.
    case `return`(Expr?)
  }

  public var kind: Kind
  /// True when a `;` follows, which silences the printed value.
  public var isSilent: Bool
  public var range: SourceRange

  public init(_ kind: Kind, isSilent: Bool, range: SourceRange) {
    self.kind = kind
    self.isSilent = isSilent
    self.range = range
  }
}

/// Statements between `{` and `}`.
public struct Block: Equatable, Sendable {
  public var statements: [Statement]
  public var range: SourceRange

  public init(_ statements: [Statement], range: SourceRange) {
    self.statements = statements
    self.range = range
  }
}

/// One `if` or `else if` arm.
public struct ConditionalBlock: Equatable, Sendable {
  public var condition: Expr
  public var body: Block
}

/// What an assignment writes: a name, or a field or an element inside one
/// (`r.lr = 0.2`, `l[0] = x`, `p.layers[1].w = w`).
public struct AssignmentTarget: Equatable, Sendable {
  public enum Step: Equatable, Sendable {
    case field(String, range: SourceRange)
    case index([IndexItem], range: SourceRange)
  }

  public var name: String
  public var nameRange: SourceRange
  /// The fields and subscripts after the name, outermost first.
  public var path: [Step]
  public var range: SourceRange
}

/// A function written in the language: by `def` (named) or as a lambda.
public struct FunctionDeclaration: Equatable, Sendable {
  /// One parameter as written: `x`, or `t: 1` (named, with a default).
  public struct Parameter: Equatable, Sendable {
    public var name: String
    public var range: SourceRange
    /// The default's expression for a named parameter; nil for a positional one.
    public var defaultValue: Expr?
  }

  public enum Body: Equatable, Sendable {
    /// `= expression`, or a lambda's body.
    case expression(Expr)
    case block(Block)
  }

  /// The `def`'s name; `"lambda"` for a lambda.
  public var name: String
  public var nameRange: SourceRange
  public var parameters: [Parameter]
  public var body: Body
  /// The `#` comment block right above a `def`: its help text.
  public var documentation: String?
  /// The whole declaration, for `:save` and messages.
  public var range: SourceRange
}
