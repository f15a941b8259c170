import Attention

/// A value of the attn language.
///
/// Numbers are tensors of rank 0; ``number(_:)`` holds them without a heap
/// allocation, and a rank-0 ``tensor(_:)`` means the same (the two compare
/// equal and print alike). Lists, records and strings are values too:
/// assigning or passing one never aliases it.
public enum Value {
  /// A number: a rank-0 tensor kept inline.
  case number(Double)
  case tensor(Tensor)
  /// Named fields in a fixed order, such as an attention result's
  /// `scores`, `weights` and `output`, or a model's parameters.
  case record(Record)
  case string(String)
  /// Any values in order: `list(1, "two", [3, 4])`.
  case list(ValueList)
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
    self =
      tensor.rank == 0 && !tensor.isTracked && tensor.dtype == .float64 ? .number(tensor.scalars[0]) : .tensor(tensor)
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

extension Value {
  /// How deep records and lists may nest for the operations that walk them
  /// part by part and build a result of the same shape — arithmetic on
  /// records, gradients and optimizers over parameters (`p.layers[0].w`).
  /// Values themselves may nest deeper: they are freed, printed and compared
  /// without recursion.
  public static let maximumStructureDepth = 1000

  /// The error for an operation that met records or lists nested deeper than
  /// ``maximumStructureDepth``.
  static func tooDeep(_ operation: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(
      "\(operation): records and lists nest more than \(maximumStructureDepth) deep here; it works on parameters nested at most that deep",
      at: range)
  }
}

extension Value: Equatable {
  /// Structural equality; a number equals the rank-0 tensor holding it,
  /// functions are equal when they are the same function. Nested lists and
  /// records are compared with a worklist, not recursion, so values nested
  /// millions deep compare in time linear in their size.
  public static func == (a: Value, b: Value) -> Bool {
    var pending: [(Value, Value)] = [(a, b)]
    while let (x, y) = pending.popLast() {
      switch (x, y) {
      case (.number(let p), .number(let q)): if p != q { return false }
      case (.number, .tensor), (.tensor, .number), (.tensor, .tensor): if x.tensor != y.tensor { return false }
      case (.record(let p), .record(let q)):
        guard p.fields.count == q.fields.count else { return false }
        if p.sharesStorage(with: q) { continue }
        for (left, right) in zip(p.fields, q.fields) {
          guard left.name == right.name else { return false }
          pending.append((left.value, right.value))
        }
      case (.list(let p), .list(let q)):
        guard p.count == q.count else { return false }
        if p.sharesStorage(with: q) { continue }
        pending.append(contentsOf: zip(p, q))
      case (.string(let p), .string(let q)): if p != q { return false }
      case (.function(let p), .function(let q)): if !p.isSame(as: q) { return false }
      case (.text(let p), .text(let q)): if p != q { return false }
      case (.figure(let p), .figure(let q)): if p != q { return false }
      case (.explanation(let p), .explanation(let q)): if p != q { return false }
      case (.none, .none): continue
      default: return false
      }
    }
    return true
  }
}

/// An ordered collection of named values, with value semantics; freed
/// through the `Trashcan` so that records nested millions deep are freed
/// without recursion.
public struct Record: Equatable {
  /// The fields, in a class whose deinit hands their values to the
  /// trashcan; mutated only while uniquely referenced (copy-on-write).
  final class Storage {
    var fields: [(name: String, value: Value)]
    init(_ fields: [(name: String, value: Value)]) { self.fields = fields }
    deinit {
      guard fields.contains(where: { $0.value.holdsValues }) else { return }
      var values = fields.map(\.value)
      fields.removeAll()
      Trashcan.dispose(&values)
    }
  }

  private var storage: Storage

  public var fields: [(name: String, value: Value)] {
    get { storage.fields }
    _modify {
      if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
      yield &storage.fields
    }
  }

  public init(_ fields: [(name: String, value: Value)]) {
    storage = Storage(fields)
  }

  /// Whether the two records hold the very same fields (one was copied from the other).
  func sharesStorage(with other: Record) -> Bool { storage === other.storage }

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

  public static func == (a: Record, b: Record) -> Bool { Value.record(a) == Value.record(b) }
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

extension Value {
  /// How many numbers the value holds (tensors' elements, inside lists and
  /// records too), counted up to `limit` (the walk stops once past it).
  public func elementCount(upTo limit: Int) -> Int {
    var count = 0
    var pending = [self]
    while let value = pending.popLast(), count <= limit {
      switch value {
      case .number: count += 1
      case .tensor(let tensor): count += tensor.count
      case .list(let items): pending += items.prefix(limit + 1)
      case .record(let record): pending += record.fields.map(\.value)
      case .string(let text): count += text.utf8.count / 8
      default: break
      }
    }
    return count
  }
}
