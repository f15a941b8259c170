import Attention

/// A picture of numbers: what `heatmap` and `bars` return. It prints as
/// shaded cells or bars at the prompt and becomes SVG in exported notebooks.
public struct Figure: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    /// A matrix `[n, m]`, or one matrix per head `[heads, n, m]`.
    case heatmap
    /// A vector drawn as horizontal bars.
    case bars
    /// A line chart of a series `[n]`, or of several `[series, n]`, against 0 … n−1.
    case line

    /// How messages name it.
    var description: String {
      switch self {
      case .heatmap: return "heatmap"
      case .bars: return "bar chart"
      case .line: return "line plot"
      }
    }
  }

  public var kind: Kind
  public var data: Tensor
  /// Labels for the rows (heatmap) or bars.
  public var rowLabels: [String]?
  /// Labels for the columns (heatmap).
  public var columnLabels: [String]?
  public var title: String?
  /// A title for each panel of a heatmap with several (else "head 0", "head 1", …).
  public var panelTitles: [String]?
  /// Whether a heatmap writes each cell's value in it (matplotlib's `annot`).
  public var showsValues: Bool

  public init(
    kind: Kind, data: Tensor, rowLabels: [String]? = nil, columnLabels: [String]? = nil, title: String? = nil,
    panelTitles: [String]? = nil, showsValues: Bool = false
  ) {
    self.kind = kind
    self.data = data
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.title = title
    self.panelTitles = panelTitles
    self.showsValues = showsValues
  }

  /// A cell's value as a heatmap writes it: whole numbers as they are,
  /// others with two decimals (`0.35`), as compact as matplotlib's annotations.
  public func cellText(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if data.scalars.allSatisfy({ !$0.isFinite || $0 == $0.rounded() }), abs(value) < 1e9 {
      return String(Int(value))
    }
    let text = String(format: "%.2f", value)
    return text == "-0.00" ? "0.00" : text
  }

  /// The title of panel `index` of a heatmap with several.
  public func panelTitle(_ index: Int) -> String { panelTitles?[safe: index] ?? "head \(index)" }

  /// A line plot's series, each `[n]`.
  public var series: [[Double]] {
    guard data.rank == 2 else { return [Array(data.scalars)] }
    let (length, values) = (data.shape[1], data.scalars)
    return (0..<data.shape[0]).map { Array(values[($0 * length)..<(($0 + 1) * length)]) }
  }

  /// The matrices to draw: one per head for a rank-3 heatmap.
  public var panels: [Tensor] {
    guard data.rank == 3 else { return [data] }
    return (0..<data.shape[0]).compactMap { try? data.subscripted([.at($0)]) }
  }

  /// The range the shading spans: from 0 (or the minimum, if negative) to the maximum.
  public var valueRange: (low: Double, high: Double) {
    let finite = data.scalars.filter { $0.isFinite }
    let high = finite.max() ?? 1
    let low = min(finite.min() ?? 0, 0)
    return (low, high)
  }

  /// The value a full-length bar stands for: 1 for probabilities (every
  /// value in [0, 1]), so distributions can be compared by eye; otherwise the
  /// largest magnitude.
  public static func barScale(_ values: some Collection<Double>) -> Double {
    let finite = values.filter { $0.isFinite }
    if !finite.isEmpty, finite.allSatisfy({ $0 >= 0 && $0 <= 1 }) { return 1 }
    return finite.map(\.magnitude).max() ?? 0
  }

  /// Where `value` falls in ``valueRange``, from 0 to 1 (NaN stays NaN).
  /// Finds the range each time: to shade every cell, use ``levels``.
  public func level(_ value: Double) -> Double { levels.level(value) }

  /// The shading scale, the range found once: a picture's cells are placed
  /// on it in time linear in their number.
  public var levels: Levels {
    let (low, high) = valueRange
    return Levels(low: low, high: high)
  }

  /// Values placed from 0 to 1 between a low and a high value.
  public struct Levels: Sendable {
    public var low: Double
    public var high: Double

    public func level(_ value: Double) -> Double {
      if value.isNaN { return .nan }
      guard high > low else { return value >= high ? 1 : 0 }
      return min(max((value - low) / (high - low), 0), 1)
    }
  }
}
