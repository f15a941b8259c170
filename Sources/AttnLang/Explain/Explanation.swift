import Attention

/// A computation shown stage by stage — what `explain(attend(q, K, V))`
/// gives: for each stage its formula, the numbers that make up one chosen
/// entry, and the whole intermediate result.
public struct Explanation: Equatable, Sendable {
  /// One step of the computation.
  public struct Stage: Equatable, Sendable {
    public var title: String
    /// The stage's formula, such as `sᵢⱼ = qᵢ · kⱼ`.
    public var formula: String
    public var items: [Item]

    public init(_ title: String, formula: String, _ items: [Item]) {
      self.title = title
      self.formula = formula
      self.items = items
    }
  }

  /// What a stage shows.
  public enum Item: Equatable, Sendable {
    /// A sentence.
    case note(String)
    /// An intermediate tensor, named (large ones are summarized when shown).
    case tensor(String, Tensor)
    /// The terms of one entry, written out.
    case table(Table)
    /// A picture of a matrix the stage is about.
    case figure(Figure)
  }

  /// Rows of preformatted cells: the parts of one entry and their total.
  public struct Table: Equatable, Sendable {
    public var caption: String
    public var headers: [String]
    public var rows: [[String]]

    public init(caption: String, headers: [String], rows: [[String]]) {
      self.caption = caption
      self.headers = headers
      self.rows = rows
    }
  }

  /// The call explained, as written.
  public var call: String
  /// What the computation is, in a few words.
  public var summary: String
  public var stages: [Stage]

  public init(call: String, summary: String, stages: [Stage]) {
    self.call = call
    self.summary = summary
    self.stages = stages
  }

  /// The stage titled `title`, if there is one.
  public func stage(_ title: String) -> Stage? { stages.first { $0.title == title } }
}

extension Explanation.Stage {
  /// The tensor item named `name`, if the stage shows one.
  public func tensor(_ name: String) -> Tensor? {
    for item in items { if case .tensor(name, let tensor) = item { return tensor } }
    return nil
  }

  /// The stage's tables.
  public var tables: [Explanation.Table] {
    items.compactMap { if case .table(let table) = $0 { table } else { nil } }
  }
}
