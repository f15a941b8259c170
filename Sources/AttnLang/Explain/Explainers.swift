import Attention
import Foundation

/// The operations `explain` can show stage by stage, and what they share.
enum Explainers {
  /// Labels given to `explain(…, rows:, cols:)`: they name the queries and
  /// keys (or whatever the rows and columns of the main matrix are).
  struct Labels {
    var rows: [String]?
    var cols: [String]?
  }

  typealias Explainer = @Sendable (Arguments, Labels) throws -> Explanation

  /// By builtin name.
  static let table: [String: Explainer] = [
    "attend": explainAttend, "selfattend": explainSelfAttend, "multihead": explainMultihead,
    "softmax": explainSoftmax, "dot": explainDot, "layernorm": explainLayerNorm, "posenc": explainPositionalEncoding,
    "crossentropy": explainCrossEntropy, "grad": explainGrad, "flashattend": explainFlashAttend,
  ]

  static var names: [String] { table.keys.sorted() }

  /// A number as tables show it: whole numbers without decimals, `-inf` and
  /// `inf` spelled out, else `precision` decimals.
  static func number(_ value: Double, _ precision: Int) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    if abs(value) < 1e-4 || abs(value) >= 1e8 { return String(format: "%.\(precision)e", value) }
    return String(format: "%.\(precision)f", value)
  }

  /// The label of position `index` among `labels`, else the index itself.
  static func label(_ labels: [String]?, _ index: Int) -> String {
    guard let labels, index < labels.count else { return String(index) }
    return labels[index]
  }

  /// A heatmap of a small matrix (or stack of matrices), labelled; nil when
  /// too large to be worth drawing at the prompt.
  static func heatmap(_ matrix: Tensor, title: String, labels: Labels) -> Explanation.Item? {
    guard (2...3).contains(matrix.rank), matrix.shape.suffix(2).allSatisfy({ $0 >= 1 && $0 <= 24 }) else { return nil }
    let rows = matrix.shape[matrix.rank - 2]
    let cols = matrix.shape[matrix.rank - 1]
    return .figure(
      Figure(
        kind: .heatmap, data: matrix, rowLabels: labels.rows.flatMap { $0.count == rows ? $0 : nil },
        columnLabels: labels.cols.flatMap { $0.count == cols ? $0 : nil }, title: title))
  }

  /// The rows of a matrix (a vector is one row).
  static func rows(_ tensor: Tensor) -> [[Double]] {
    guard tensor.rank >= 1 else { return [Array(tensor.scalars)] }
    let width = tensor.shape[tensor.rank - 1]
    guard width > 0 else { return [] }
    let values = tensor.scalars
    return stride(from: 0, to: tensor.count, by: width).map { Array(values[$0..<($0 + width)]) }
  }

  /// The table of an inner product a · b, term by term, with at most
  /// `shown` terms (the rest summed in one line).
  static func productTable(
    caption: String, a: [Double], b: [Double], names: (String, String), precision: Int, shown: Int = 12
  ) -> Explanation.Table {
    var rows: [[String]] = []
    var total = 0.0
    for index in a.indices {
      let product = a[index] * b[index]
      total += product
      if index < shown {
        rows.append([
          String(index), number(a[index], precision), number(b[index], precision), number(product, precision),
        ])
      }
    }
    if a.count > shown {
      let rest = a.indices.dropFirst(shown).reduce(0.0) { $0 + a[$1] * b[$1] }
      rows.append(["…", "", "", number(rest, precision) + " (the other \(a.count - shown))"])
    }
    rows.append(["sum", "", "", number(total, precision)])
    return Explanation.Table(caption: caption, headers: ["d", names.0, names.1, "product"], rows: rows)
  }

  /// The softmax of one row, step by step: subtract the max, exp, sum, divide.
  static func softmaxTable(
    caption: String, row: [Double], temperature: Double = 1, keys: [String]?, precision: Int
  ) -> Explanation.Table {
    let top = row.max() ?? 0
    let shifted = row.map { top.isInfinite ? ($0 == top ? 0 : -Double.infinity) : ($0 - top) / temperature }
    let exps = shifted.map { exp($0) }
    let total = exps.reduce(0, +)
    var rows: [[String]] = []
    for index in row.indices {
      if index == 12, row.count > 13 {
        rows.append(["…", "", "", "", "(\(row.count - 12) more)"])
        break
      }
      rows.append([
        label(keys, index), number(row[index], precision), number(shifted[index], precision),
        number(exps[index], precision), total > 0 ? number(exps[index] / total, precision) : "0",
      ])
    }
    rows.append(["sum", "", "", number(total, precision), total > 0 ? "1" : "0"])
    let shiftHeader = temperature == 1 ? "s − max" : "(s − max)/T"
    return Explanation.Table(caption: caption, headers: ["j", "s", shiftHeader, "exp", "weight"], rows: rows)
  }

  /// `name(a, b, …)` for the call's explanation title.
  static func callText(_ args: Arguments) -> String { args.source.text(in: args.range) }
}
