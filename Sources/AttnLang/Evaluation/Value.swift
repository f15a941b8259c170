import Attention

/// A value of the attn language.
///
/// Numbers are tensors of rank 0; ``number(_:)`` holds them without a heap
/// allocation, and a rank-0 ``tensor(_:)`` means the same (the two compare
/// equal and print alike). Lists, records and strings are values too:
/// assigning or passing one never aliases it.
public enum Value: Sendable {
  /// A number: a rank-0 tensor kept inline.
  case number(Double)
  case tensor(Tensor)
  /// Named fields in a fixed order, such as an attention result's
  /// `scores`, `weights` and `output`, or a model's parameters.
  case record(Record)
  case string(String)
  /// Any values in order: `list(1, "two", [3, 4])`.
  case list([Value])
  /// A builtin, a `def` or a lambda.
  case function(Function)
  /// Preformatted text that prints as is (help pages, explanations).
  case text(String)
  /// A heatmap, bar chart or line plot (kept out of line: a value stays small).
  indirect case figure(Figure)
  /// A computation shown stage by stage, from `explain(…)`.
  indirect case explanation(Explanation)
  /// What a function without `return` gives, and `print`: prints nothing.
  case none

  /// The value of a library result: a rank-0 tensor becomes a number.
  @inline(__always)
  public init(_ tensor: Tensor) {
    self = tensor.rank == 0 && !tensor.isTracked ? .number(tensor.scalars[0]) : .tensor(tensor)
  }

  /// The tensor this value is (a number as rank 0), else nil.
  @inline(__always)
  public var tensor: Tensor? {
    switch self {
    case .number(let value): return Tensor(value)
    case .tensor(let tensor): return tensor
    default: return nil
    }
  }

  /// The name of the value's type, for messages.
  public var typeName: String {
    switch self {
    case .number: return "number"
    case .tensor(let tensor): return tensor.isScalar ? "number" : "tensor \(Tensor.describe(tensor.shape))"
    case .record: return "record"
    case .string: return "string"
    case .list(let items): return "list of \(items.count)"
    case .function: return "function"
    case .text: return "text"
    case .figure(let figure): return figure.kind.description
    case .explanation: return "explanation"
    case .none: return "nothing"
    }
  }
}

extension Value: Equatable {
  /// Structural equality; a number equals the rank-0 tensor holding it,
  /// functions are equal when they are the same function.
  public static func == (a: Value, b: Value) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x == y
    case (.number, .tensor), (.tensor, .number), (.tensor, .tensor): return a.tensor == b.tensor
    case (.record(let x), .record(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.list(let x), .list(let y)): return x == y
    case (.function(let x), .function(let y)): return x === y
    case (.text(let x), .text(let y)): return x == y
    case (.figure(let x), .figure(let y)): return x == y
    case (.explanation(let x), .explanation(let y)): return x == y
    case (.none, .none): return true
    default: return false
    }
  }
}

/// An ordered collection of named values.
public struct Record: Equatable, Sendable {
  public var fields: [(name: String, value: Value)]

  public init(_ fields: [(name: String, value: Value)]) {
    self.fields = fields
  }

  public subscript(name: String) -> Value? {
    get { fields.first { $0.name == name }?.value }
    set {
      if let index = fields.firstIndex(where: { $0.name == name }) {
        if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
      } else if let newValue {
        fields.append((name, newValue))
      }
    }
  }

  /// The position of field `name`, or nil.
  public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

  public var fieldNames: [String] { fields.map(\.name) }

  public static func == (a: Record, b: Record) -> Bool {
    a.fields.count == b.fields.count
      && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
  }
}

extension Record {
  /// The record `attend` and `selfattend` return.
  public init(_ result: AttentionResult) {
    self.init([
      ("scores", .tensor(result.scores)), ("weights", .tensor(result.weights)),
      ("output", .tensor(result.output)),
    ])
  }
}
