/// A statement: an assignment or a bare expression whose value is printed
/// unless the statement ends with `;`.
public struct Statement: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case assign(name: String, nameRange: SourceRange, value: Expr)
    case expression(Expr)
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
