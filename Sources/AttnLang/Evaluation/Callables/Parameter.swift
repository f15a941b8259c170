import Attention

/// One parameter of a callable, declared once: its name, what it accepts,
/// its default and a line of help. The signature shown in help, argument
/// checking (unknown label, missing argument, wrong kind), completion of
/// named arguments and typed access in the body all derive from it.
public struct Parameter: Sendable {
  /// What a parameter accepts; checked when a call is bound, before the body runs.
  public enum Kind: Sendable, Equatable {
    /// A tensor of any shape (numbers are rank-0 tensors).
    case tensor
    /// A single number.
    case number
    /// A whole number.
    case integer
    /// `true` or `false` (1 or 0).
    case flag
    /// A string in quotes.
    case string
    /// A list of strings, such as axis labels.
    case labels
    /// A function: a builtin, a `def` or a lambda.
    case function
    /// A list of any values.
    case list
    /// Any value.
    case any
  }

  /// A default written in a builtin's declaration: a tensor or a string
  /// (kept apart from ``Value``, which is not Sendable, since builtins are
  /// shared by every session).
  public enum Constant: Sendable {
    case tensor(Tensor)
    case string(String)

    /// The value a call that leaves the parameter out gets.
    public var value: Value {
      switch self {
      case .tensor(let tensor): return .tensor(tensor)
      case .string(let string): return .string(string)
      }
    }
  }

  /// What happens when a call leaves the parameter out.
  public enum Default: Sendable {
    /// The call must give it.
    case required
    /// This value, shown in the signature as `shown`.
    case value(Constant, shown: String)
    /// The body sees no value and decides; `shown` says what that means
    /// (`none`, `K`, `1/√d_k`).
    case absent(shown: String)
    /// A function written in the language computes it when the call leaves
    /// it out; `shown` is its expression as written.
    case computed(shown: String)
  }

  public var name: String
  public var kind: Kind
  public var defaultValue: Default
  /// Given as `name: value` (after the positional arguments).
  public var isNamed: Bool
  /// Takes every remaining positional argument (`zeros(2, 3, 4)`).
  public var isVariadic: Bool
  /// One line: what it means.
  public var help: String

  public var isRequired: Bool {
    if case .required = defaultValue { return !isVariadic }
    return false
  }

  /// A positional parameter the call must give.
  public static func positional(_ name: String, _ kind: Kind, _ help: String) -> Parameter {
    Parameter(name: name, kind: kind, defaultValue: .required, isNamed: false, isVariadic: false, help: help)
  }

  /// A positional parameter the call may leave out; `shown` says what it then is.
  public static func optional(_ name: String, _ kind: Kind, shown: String, _ help: String) -> Parameter {
    Parameter(
      name: name, kind: kind, defaultValue: .absent(shown: shown), isNamed: false, isVariadic: false, help: help)
  }

  /// The remaining positional arguments.
  public static func variadic(_ name: String, _ kind: Kind, _ help: String) -> Parameter {
    Parameter(name: name, kind: kind, defaultValue: .required, isNamed: false, isVariadic: true, help: help)
  }

  /// A named parameter with a numeric default.
  public static func named(_ name: String, _ kind: Kind, default value: Double, _ help: String) -> Parameter {
    Parameter(
      name: name, kind: kind, defaultValue: .value(.tensor(Tensor(value)), shown: formatDefault(value, kind)),
      isNamed: true, isVariadic: false, help: help)
  }

  /// A named parameter with a string default.
  public static func named(_ name: String, _ kind: Kind, default value: String, _ help: String) -> Parameter {
    Parameter(
      name: name, kind: kind, defaultValue: .value(.string(value), shown: "\"\(value)\""), isNamed: true,
      isVariadic: false, help: help)
  }

  /// A named parameter the body handles when it is absent; `shown` says how.
  public static func named(_ name: String, _ kind: Kind, shown: String, _ help: String) -> Parameter {
    Parameter(name: name, kind: kind, defaultValue: .absent(shown: shown), isNamed: true, isVariadic: false, help: help)
  }

  /// A named parameter of a function written in the language, whose
  /// default expression (`shown`) runs when a call leaves it out.
  public static func computed(_ name: String, shown: String) -> Parameter {
    Parameter(name: name, kind: .any, defaultValue: .computed(shown: shown), isNamed: true, isVariadic: false, help: "")
  }

  /// A named parameter the call must give (`heads:` of `multihead`).
  public static func namedRequired(_ name: String, _ kind: Kind, _ help: String) -> Parameter {
    Parameter(name: name, kind: kind, defaultValue: .required, isNamed: true, isVariadic: false, help: help)
  }

  /// How the parameter appears in a signature: `x`, `V = K`, `dims...`, `axis: -1`.
  public var signatureText: String {
    if isVariadic { return name + "..." }
    switch defaultValue {
    case .required: return isNamed ? "\(name):" : name
    case .value(_, let shown), .absent(let shown), .computed(let shown):
      return isNamed ? "\(name): \(shown)" : "\(name) = \(shown)"
    }
  }

  static func formatDefault(_ value: Double, _ kind: Kind) -> String {
    if kind == .flag { return value == 0 ? "false" : "true" }
    if let whole = exactInteger(value) { return String(whole) }
    if value != 0, abs(value) < 1e-3 { return String(format: "%g", value) }
    return String(value)
  }
}

extension Parameter.Kind {
  /// Whether `value` is of this kind.
  func accepts(_ value: Value) -> Bool {
    switch (self, value) {
    case (.any, _): return true
    case (.tensor, .tensor), (.tensor, .number), (.number, .number): return true
    case (.tensor, .list(let items)): return !items.isEmpty && items.allSatisfy { $0.tensor != nil }
    case (.number, .tensor(let tensor)): return tensor.count == 1
    case (.integer, .number(let number)): return exactInteger(number) != nil
    case (.integer, .tensor(let tensor)):
      return tensor.isScalar && tensor.scalarValue.flatMap(exactInteger) != nil
    case (.flag, .number(let number)): return number == 0 || number == 1
    case (.flag, .tensor(let tensor)): return tensor.isScalar && (tensor.scalarValue == 0 || tensor.scalarValue == 1)
    case (.string, .string): return true
    case (.function, .function): return true
    case (.list, .list): return true
    case (.labels, .list(let items)):
      return items.allSatisfy { if case .string = $0 { true } else { false } }
    default: return false
    }
  }

  /// What a mistaken argument should have been, for messages: "must be \(expectation)".
  var expectation: String {
    switch self {
    case .tensor: return "a tensor"
    case .number: return "a number"
    case .integer: return "a whole number"
    case .flag: return "true or false"
    case .string: return "a string in quotes"
    case .labels: return "a list of strings like [\"a\", \"b\"]"
    case .function: return "a function"
    case .list: return "a list"
    case .any: return "a value"
    }
  }
}
