import Attention
import Foundation

/// An explanation as terminal text: numbered stages, each with its formula,
/// tables aligned in columns, tensors whole when small and summarized
/// (shape, range, a corner) when large, and heatmaps where a matrix is the
/// point.
struct ExplanationText {
  var options: DisplayOptions

  /// Tensors with more elements than this are summarized.
  static let wholeUpTo = 64
  /// Rows and columns of the corner a summarized matrix shows.
  static let cornerRows = 4
  static let cornerColumns = 6

  func render(_ explanation: Explanation) -> String {
    var lines = ["explain \(explanation.call): \(explanation.summary)"]
    for (number, stage) in explanation.stages.enumerated() {
      lines.append("")
      lines.append("\(number + 1). \(stage.title)" + (stage.formula.isEmpty ? "" : ":  \(stage.formula)"))
      for item in stage.items {
        lines += render(item).map { "   " + $0 }
      }
    }
    return lines.joined(separator: "\n")
  }

  func render(_ item: Explanation.Item) -> [String] {
    switch item {
    case .note(let text):
      return [text]
    case .table(let table):
      return render(table)
    case .tensor(let name, let tensor):
      return tensorLines(name, tensor)
    case .figure(let figure):
      // Indented by three columns under its stage.
      return FigureText(style: options.pictures, width: max(20, options.width - 3), precision: 2).render(figure)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
  }

  func render(_ table: Explanation.Table) -> [String] {
    let all = [table.headers] + table.rows
    let columns = all.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in all {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ row: [String]) -> String {
      row.enumerated().map { index, cell in
        String(repeating: " ", count: widths[index] - cell.count) + cell
      }.joined(separator: "  ")
    }
    var lines = table.caption.isEmpty ? [] : [table.caption]
    lines.append("  " + line(table.headers))
    lines += table.rows.map { "  " + line($0) }
    return lines
  }

  func tensorLines(_ name: String, _ tensor: Tensor) -> [String] {
    let formatter = TensorFormatter(options: options.plain)
    guard tensor.count > ExplanationText.wholeUpTo, tensor.rank >= 1 else {
      let text = formatter.format(tensor)
      if !text.contains("\n") { return ["\(name) = \(text)"] }
      return ["\(name):"] + text.split(separator: "\n").map { "  " + $0 }
    }
    let low = tensor.scalars.min() ?? 0
    let high = tensor.scalars.max() ?? 0
    var lines = [
      "\(name): shape \(Tensor.describe(tensor.shape)), from \(Explainers.number(low, options.precision)) to \(Explainers.number(high, options.precision)); its first entries:"
    ]
    let corner: Tensor
    if tensor.rank == 1 {
      corner = Tensor(Array(tensor.scalars.prefix(ExplanationText.cornerColumns)))
    } else {
      let columns = tensor.shape[tensor.rank - 1]
      let rows = tensor.count / max(columns, 1)
      let keepRows = min(rows, ExplanationText.cornerRows)
      let keepColumns = min(columns, ExplanationText.cornerColumns)
      var values: [Double] = []
      let all = tensor.scalars
      for row in 0..<keepRows {
        for column in 0..<keepColumns { values.append(all[row * columns + column]) }
      }
      corner = (try? Tensor(shape: [keepRows, keepColumns], scalars: values)) ?? Tensor(values)
    }
    lines += formatter.format(corner).split(separator: "\n").filter { !$0.hasSuffix("tensor") }.map { "  " + $0 }
    return lines
  }
}

extension Explanation.Item {
  /// The item as terminal text (a tensor whole or summarized, a table in columns).
  public func text(options: DisplayOptions = DisplayOptions()) -> String {
    ExplanationText(options: options).render(self).joined(separator: "\n")
  }
}
