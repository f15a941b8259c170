import Attention

/// A value of the attn language. Everything numeric is a ``Tensor``.
public enum Value: Equatable, Sendable {
  case tensor(Tensor)
  /// Named fields in a fixed order, such as an attention result's
  /// `scores`, `weights` and `output`.
  case record(Record)
  case string(String)
  /// A list of non-numeric values, such as axis labels `["le", "chat"]`.
  case list([Value])
  /// Preformatted text that prints as is (help pages).
  case text(String)
  /// A heatmap or bar chart.
  case figure(Figure)

  /// The name of the value's type, for messages.
  public var typeName: String {
    switch self {
    case .tensor(let tensor): return tensor.isScalar ? "number" : "tensor \(Tensor.describe(tensor.shape))"
    case .record: return "record"
    case .string: return "string"
    case .list: return "list"
    case .text: return "text"
    case .figure(let figure): return figure.kind == .heatmap ? "heatmap" : "bar chart"
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
    fields.first { $0.name == name }?.value
  }

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
