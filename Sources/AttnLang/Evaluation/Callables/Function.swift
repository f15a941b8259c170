import Attention

/// A function value: a builtin, or one written in the language (a `def` or
/// a lambda). Functions are values: stored in variables, lists and
/// records, passed to `map` and `grad`. Two function values are equal when
/// they are the same function.
///
/// Not Sendable: a function written in the language holds its compiled
/// body and the values it captured, which belong to its session.
public final class Function {
  enum Body {
    case builtin(Builtin)
    case user(UserFunction)
  }

  let body: Body

  init(_ builtin: Builtin) { body = .builtin(builtin) }
  init(_ user: UserFunction) { body = .user(user) }

  /// Whether the two are the same function: the same value, or the same builtin.
  func isSame(as other: Function) -> Bool {
    if self === other { return true }
    if case .builtin(let a) = body, case .builtin(let b) = other.body { return a === b }
    return false
  }

  /// The name it was defined with (`lambda` for a lambda).
  public var name: String {
    switch body {
    case .builtin(let builtin): return builtin.name
    case .user(let user): return user.name
    }
  }

  /// Its name and parameters, the one list that binding, help and completion read.
  public var signature: Signature {
    switch body {
    case .builtin(let builtin): return builtin.signature
    case .user(let user): return user.signature
    }
  }

  /// How it prints: `def attention(q, K, V)`, `x -> 2 * x`, `builtin softmax(…)`.
  public var description: String {
    switch body {
    case .builtin(let builtin): return "builtin \(builtin.signature.text)"
    case .user(let user):
      if user.isLambda { return user.source.text(in: user.declaration.range) }
      return "def \(user.signature.text)"
    }
  }

  /// The help page: for a builtin its page, for a `def` its signature and the
  /// comment written above it.
  public var helpText: String {
    switch body {
    case .builtin(let builtin): return builtin.helpText
    case .user(let user): return user.helpText
    }
  }
}

/// A function written in the language, compiled once when its `def` or
/// lambda runs: parameters and locals live in numbered slots, and the body
/// is a tree of closures (see ``Compiler``).
final class UserFunction {
  let declaration: FunctionDeclaration
  /// The source the function was written in, for its messages and help.
  let source: SourceFile
  let signature: Signature
  /// Slots a call needs: the parameters first, then captured values, then locals.
  let slotCount: Int
  /// The default of each named parameter (by slot, in order), run in the
  /// new frame when a call leaves it out; it may use the parameters before it.
  let defaults: [(slot: Int, compute: Compiled.Expression)]
  /// Values of the enclosing function's locals this one reads, taken when
  /// it was made, and the slots they fill in each call.
  private(set) var captured: [(slot: Int, value: Value?)]
  let body: Compiled.Expression

  /// Captured values go through the trashcan: a chain of closures each
  /// capturing the one before is freed without recursion.
  deinit {
    guard captured.contains(where: { $0.value?.holdsValues == true }) else { return }
    var values = captured.compactMap(\.value)
    captured.removeAll()
    Trashcan.dispose(&values)
  }

  init(
    declaration: FunctionDeclaration, source: SourceFile, signature: Signature, slotCount: Int,
    defaults: [(slot: Int, compute: Compiled.Expression)], captured: [(slot: Int, value: Value?)],
    body: Compiled.Expression
  ) {
    self.declaration = declaration
    self.source = source
    self.signature = signature
    self.slotCount = slotCount
    self.defaults = defaults
    self.captured = captured
    self.body = body
  }

  var name: String { declaration.name }
  var isLambda: Bool { declaration.name == "lambda" }
  var parameterCount: Int { declaration.parameters.count }

  var helpText: String {
    var page = signature.text
    if let documentation = declaration.documentation {
      page +=
        "\n"
        + documentation.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        .joined(separator: "\n")
    }
    let line = source.location(of: declaration.range.start).line
    page += "\n\nDefined at \(source.name):\(line):\n"
    page += source.text(in: declaration.range).split(separator: "\n", omittingEmptySubsequences: false)
      .map { "  " + $0 }.joined(separator: "\n")
    return page
  }
}
