import Attention
import Foundation

/// Draws figures as standalone SVG: heatmaps as colored cells (viridis
/// ramp) with labels, a value scale and a tooltip per cell giving the exact
/// value; bars as horizontal bars with their values.
public enum FigureSVG {
  static let cell = 28
  static let font = "font-family=\"ui-sans-serif, system-ui, sans-serif\" font-size=\"12\""

  public static func render(_ figure: Figure) -> String {
    switch figure.kind {
    case .heatmap: return heatmap(figure)
    case .bars: return bars(figure)
    case .line: return line(figure)
    }
  }

  /// A line chart: one polyline per series, the axes labelled with the
  /// extreme values and the first and last index.
  static func line(_ figure: Figure) -> String {
    let series = figure.series
    let values = series.flatMap { $0 }.filter(\.isFinite)
    let count = series.map(\.count).max() ?? 0
    let (low, high) = (values.min() ?? 0, values.max() ?? 1)
    let (left, top, plotWidth, plotHeight) = (64, figure.title == nil ? 10 : 30, 480, 200)
    let width = left + plotWidth + 20
    let height = top + plotHeight + 30
    var svg = header(width: width, height: height, label: figure.title ?? "line plot")
    if let title = figure.title {
      svg += "  <text x=\"\(left)\" y=\"18\" \(font) font-weight=\"bold\">\(escapeXML(title))</text>\n"
    }
    svg +=
      "  <path d=\"M\(left) \(top) V\(top + plotHeight) H\(left + plotWidth)\" stroke=\"#888\" fill=\"none\"/>\n"
    svg += "  <text x=\"\(left - 6)\" y=\"\(top + 10)\" text-anchor=\"end\" \(font)>\(escapeXML(short(high)))</text>\n"
    svg +=
      "  <text x=\"\(left - 6)\" y=\"\(top + plotHeight)\" text-anchor=\"end\" \(font)>\(escapeXML(short(low)))</text>\n"
    svg += "  <text x=\"\(left)\" y=\"\(top + plotHeight + 18)\" \(font)>0</text>\n"
    svg +=
      "  <text x=\"\(left + plotWidth)\" y=\"\(top + plotHeight + 18)\" text-anchor=\"end\" \(font)>\(max(count - 1, 0))</text>\n"
    let colors = ["rgb(33,145,140)", "rgb(68,1,84)", "rgb(253,160,37)", "rgb(59,82,139)"]
    for (index, line) in series.enumerated() {
      let points = line.enumerated().compactMap { step, value -> String? in
        guard value.isFinite else { return nil }
        let x = Double(left) + (count > 1 ? Double(step) / Double(count - 1) : 0) * Double(plotWidth)
        let y = Double(top + plotHeight) - (high > low ? (value - low) / (high - low) : 0.5) * Double(plotHeight)
        return String(format: "%.1f,%.1f", x, y)
      }
      svg +=
        "  <polyline class=\"series\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(colors[index % colors.count])\" stroke-width=\"1.5\"/>\n"
    }
    return svg + "</svg>\n"
  }

  static func heatmap(_ figure: Figure) -> String {
    let panels = figure.panels
    let levels = figure.levels
    let rows = panels.first.map { $0.rank == 2 ? $0.shape[0] : 1 } ?? 0
    let columns = panels.first.map { $0.rank == 2 ? $0.shape[1] : $0.count } ?? 0
    let rowLabels = (0..<rows).map { figure.rowLabels?[safe: $0] ?? String($0) }
    let columnLabels = (0..<columns).map { figure.columnLabels?[safe: $0] ?? String($0) }
    let left = 12 + 7 * (rowLabels.map(\.count).max() ?? 1)
    let labelHeight = 10 + 6 * (columnLabels.map(\.count).max() ?? 1)
    let titleHeight = (figure.title != nil || panels.count > 1) ? 22 : 0
    let top = titleHeight + labelHeight
    let panelWidth = left + columns * cell + 16
    let legendWidth = 70
    let width = panelWidth * panels.count + legendWidth
    let height = top + rows * cell + 12
    var svg = header(width: width, height: height, label: figure.title ?? "heatmap")
    for (index, panel) in panels.enumerated() {
      let x0 = index * panelWidth
      let panelValues = panel.scalars
      let title = panels.count > 1 ? figure.panelTitle(index) + (figure.title.map { " · " + $0 } ?? "") : figure.title
      if let title {
        svg += "  <text x=\"\(x0 + left)\" y=\"15\" \(font) font-weight=\"bold\">\(escapeXML(title))</text>\n"
      }
      for (column, label) in columnLabels.enumerated() {
        let x = x0 + left + column * cell + cell / 2
        svg +=
          "  <text class=\"col-label\" x=\"\(x)\" y=\"\(top - 6)\" \(font) transform=\"rotate(-45 \(x) \(top - 6))\">\(escapeXML(label))</text>\n"
      }
      for (row, label) in rowLabels.enumerated() {
        svg +=
          "  <text class=\"row-label\" x=\"\(x0 + left - 6)\" y=\"\(top + row * cell + cell / 2 + 4)\" text-anchor=\"end\" \(font)>\(escapeXML(label))</text>\n"
        for column in 0..<columns {
          let value = panelValues[row * columns + column]
          let (r, g, b) = FigureText.viridis(levels.level(value))
          let fill = value.isNaN ? "#cccccc" : "rgb(\(r),\(g),\(b))"
          svg +=
            "  <rect class=\"cell\" x=\"\(x0 + left + column * cell)\" y=\"\(top + row * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(fill)\">"
          svg +=
            "<title>\(escapeXML(rowLabels[row])) → \(escapeXML(columnLabels[column])): \(exact(value))</title></rect>\n"
          if figure.showsValues {
            let ink = levels.level(value) > 0.55 ? "#000000" : "#ffffff"
            svg +=
              "  <text class=\"value\" x=\"\(x0 + left + column * cell + cell / 2)\" y=\"\(top + row * cell + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(ink)\" \(font)>\(escapeXML(figure.cellText(value)))</text>\n"
          }
        }
      }
    }
    svg += legend(figure, x: panelWidth * panels.count + 8, y: top, height: rows * cell)
    return svg + "</svg>\n"
  }

  /// A vertical color bar from the low value (bottom) to the high value (top).
  static func legend(_ figure: Figure, x: Int, y: Int, height: Int) -> String {
    let (low, high) = figure.valueRange
    let steps = 16
    let stepHeight = Double(max(height, 32)) / Double(steps)
    var svg = "  <g class=\"scale\">\n"
    for step in 0..<steps {
      let (r, g, b) = FigureText.viridis(1 - Double(step) / Double(steps - 1))
      svg += String(
        format: "    <rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>\n", x,
        Double(y) + Double(step) * stepHeight, stepHeight + 0.5, r, g, b)
    }
    svg += "    <text x=\"\(x + 18)\" y=\"\(y + 10)\" \(font)>\(escapeXML(short(high)))</text>\n"
    svg +=
      "    <text x=\"\(x + 18)\" y=\"\(y + Int(stepHeight * Double(steps)))\" \(font)>\(escapeXML(short(low)))</text>\n"
    return svg + "  </g>\n"
  }

  static func bars(_ figure: Figure) -> String {
    let values = figure.data.scalars
    let labels = values.indices.map { figure.rowLabels?[safe: $0] ?? String($0) }
    let left = 12 + 7 * (labels.map(\.count).max() ?? 1)
    let barWidth = 300
    let rowHeight = 22
    let top = figure.title == nil ? 8 : 28
    let width = left + barWidth + 80
    let height = top + rowHeight * values.count + 8
    let largest = Figure.barScale(values)
    var svg = header(width: width, height: height, label: figure.title ?? "bar chart")
    if let title = figure.title {
      svg += "  <text x=\"\(left)\" y=\"18\" \(font) font-weight=\"bold\">\(escapeXML(title))</text>\n"
    }
    for (index, value) in values.enumerated() {
      let y = top + index * rowHeight
      let length = largest > 0 && value.isFinite ? max(value, 0) / largest * Double(barWidth) : 0
      svg +=
        "  <text class=\"row-label\" x=\"\(left - 6)\" y=\"\(y + 15)\" text-anchor=\"end\" \(font)>\(escapeXML(labels[index]))</text>\n"
      svg += String(
        format: "  <rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"rgb(33,145,140)\">", left,
        y + 3,
        length)
      svg += "<title>\(escapeXML(labels[index])): \(exact(value))</title></rect>\n"
      svg += "  <text x=\"\(left + Int(length) + 6)\" y=\"\(y + 15)\" \(font)>\(escapeXML(short(value)))</text>\n"
    }
    return svg + "</svg>\n"
  }

  static func header(width: Int, height: Int, label: String) -> String {
    """
    <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(escapeXML(label))">

    """
  }

  static func exact(_ value: Double) -> String { JSONEncoding.number(value).replacingOccurrences(of: "\"", with: "") }

  static func short(_ value: Double) -> String {
    if !value.isFinite { return exact(value) }
    return String(format: "%.4g", value)
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
