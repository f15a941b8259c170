import Attention
import Foundation

/// How pictures are drawn in a terminal.
public enum PictureStyle: Equatable, Sendable {
  /// Characters only (` ░▒▓█`): for pipes, files, `NO_COLOR` and lessons.
  case plain
  /// Background colors from the 256-color palette (viridis in 13 steps).
  case palette256
  /// 24-bit background colors (viridis).
  case trueColor
}

/// Draws figures as text: heatmaps as shaded cells, bars as block characters.
/// The plain style is deterministic, so lessons can record it as output.
struct FigureText {
  var style: PictureStyle
  /// The widest a line may be; wider maps are elided with `…`.
  var width: Int
  var precision: Int

  static let ramp: [Character] = [" ", "░", "▒", "▓", "█"]
  static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

  func render(_ figure: Figure) -> String {
    // Labels and titles come from users and files: no control character reaches the terminal.
    var figure = figure
    figure.title = figure.title.map { ControlCharacters.escaped($0, escapingLayout: true) }
    figure.rowLabels = figure.rowLabels?.map { ControlCharacters.escaped($0, escapingLayout: true) }
    figure.columnLabels = figure.columnLabels?.map { ControlCharacters.escaped($0, escapingLayout: true) }
    figure.panelTitles = figure.panelTitles?.map { ControlCharacters.escaped($0, escapingLayout: true) }
    switch figure.kind {
    case .heatmap: return heatmap(figure)
    case .bars: return bars(figure)
    case .line: return line(figure)
    }
  }

  // MARK: Heatmaps

  func heatmap(_ figure: Figure) -> String {
    let panels = figure.panels
    let blocks = panels.enumerated().map { index, panel in
      matrix(panel, figure: figure, title: panels.count > 1 ? figure.panelTitle(index) : figure.title)
    }
    var lines: [String] = []
    // Place panels side by side while they fit in the width, then wrap.
    var row: [[String]] = []
    var rowWidth = 0
    func flush() {
      guard !row.isEmpty else { return }
      let height = row.map(\.count).max() ?? 0
      for line in 0..<height {
        let parts = row.map { block -> String in
          let text = line < block.count ? block[line] : ""
          let visible = visibleWidth(block.first ?? "")
          return text + String(repeating: " ", count: max(0, visible - visibleWidth(text)))
        }
        lines.append(
          parts.joined(separator: "   ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
      }
      row = []
      rowWidth = 0
    }
    for block in blocks {
      let blockWidth = block.map(visibleWidth).max() ?? 0
      if !row.isEmpty, rowWidth + 3 + blockWidth > width { flush() }
      row.append(block.map { $0 + String(repeating: " ", count: max(0, blockWidth - visibleWidth($0))) })
      rowWidth += (rowWidth == 0 ? 0 : 3) + blockWidth
    }
    flush()
    lines.append(scale(figure))
    return lines.joined(separator: "\n")
  }

  /// One matrix as lines of text: a title, column labels, labelled rows.
  func matrix(_ panel: Tensor, figure: Figure, title: String?) -> [String] {
    let levels = figure.levels
    let rows = panel.rank == 2 ? panel.shape[0] : 1
    let columns = panel.rank == 2 ? panel.shape[1] : panel.count
    let panelValues = panel.scalars
    let rowLabels = (0..<rows).map { label(figure.rowLabels, $0) }
    let columnLabels = (0..<columns).map { label(figure.columnLabels, $0) }
    let valueWidth = figure.showsValues ? (panelValues.map { figure.cellText($0).count }.max() ?? 1) + 1 : 0
    let cell = max(
      3, min(6, (columnLabels.map(\.count).max() ?? 1) + 1), valueWidth + (style == .plain ? 1 : 0))
    let gutter = (rowLabels.map(\.count).max() ?? 1) + 1
    let fit = max(2, (width - gutter) / cell)
    let shownColumns = elide(columns, fit: fit)
    let shownRows = elide(rows, fit: 40)
    var lines: [String] = []
    if let title { lines.append(String(repeating: " ", count: gutter) + title) }
    lines.append(
      String(repeating: " ", count: gutter)
        + shownColumns.map { $0.map { pad(String(columnLabels[$0].prefix(cell - 1)), cell) } ?? pad("…", cell) }
        .joined())
    for row in shownRows {
      guard let row else {
        lines.append(pad("⋮", gutter))
        continue
      }
      var line = pad(String(rowLabels[row].prefix(gutter - 1)), gutter)
      for column in shownColumns {
        guard let column else {
          line += pad("…", cell)
          continue
        }
        let value = panelValues[row * columns + column]
        let text = figure.showsValues ? figure.cellText(value) : nil
        line += shade(levels.level(value), width: cell - 1, text: text) + " "
      }
      lines.append(line)
    }
    return lines
  }

  /// Positions to show out of `count`, with nil for the elided middle.
  func elide(_ count: Int, fit: Int) -> [Int?] {
    guard count > fit else { return Array(0..<count) }
    let head = (fit - 1) / 2 + (fit - 1) % 2
    let tail = fit - 1 - head
    return Array(0..<head) + [nil] + Array((count - tail)..<count)
  }

  func label(_ labels: [String]?, _ index: Int) -> String {
    if let labels, index < labels.count { return labels[index] }
    return String(index)
  }

  /// A cell of `width` characters shaded for `level` in [0, 1], with
  /// `text` (a value) in it when given: right-aligned before a one-character
  /// shade in plain text, on the color (dark text on light cells) otherwise.
  func shade(_ level: Double, width: Int, text: String? = nil) -> String {
    if level.isNaN { return String(repeating: "?", count: width) }
    let plainIndex = min(Int((level * Double(FigureText.ramp.count - 1)).rounded()), FigureText.ramp.count - 1)
    if style == .plain {
      guard let text else { return String(repeating: FigureText.ramp[plainIndex], count: width) }
      return String(repeating: " ", count: max(0, width - 1 - text.count)) + text
        + String(FigureText.ramp[plainIndex])
    }
    let body =
      text.map { String(repeating: " ", count: max(0, width - $0.count)) + $0 }
      ?? String(repeating: " ", count: width)
    // Light cells (the upper half of viridis) take dark text.
    let foreground = text == nil ? "" : level > 0.55 ? "\u{1B}[30m" : "\u{1B}[97m"
    switch style {
    case .plain:
      return body
    case .palette256:
      let index = FigureText.palette256Ramp[
        min(
          Int((level * Double(FigureText.palette256Ramp.count - 1)).rounded()), FigureText.palette256Ramp.count - 1)]
      return "\u{1B}[48;5;\(index)m" + foreground + body + "\u{1B}[0m"
    case .trueColor:
      let (r, g, b) = FigureText.viridis(level)
      return "\u{1B}[48;2;\(r);\(g);\(b)m" + foreground + body + "\u{1B}[0m"
    }
  }

  /// Viridis in the 256-color palette: the nearest colors of the 6×6×6 cube
  /// (in CIELAB) to viridis at evenly spaced levels, repeats removed — 13
  /// steps whose hue and lightness both change, where the 24 grays put 0.21
  /// and 0.35 in near-identical dark cells.
  static let palette256Ramp = [53, 61, 60, 24, 31, 30, 36, 35, 78, 113, 148, 184, 220]

  /// The legend: the low and high values either side of the shading ramp.
  func scale(_ figure: Figure) -> String {
    let (low, high) = figure.valueRange
    let ramp: String
    switch style {
    case .plain: ramp = String(FigureText.ramp)
    default: ramp = (0...12).map { shade(Double($0) / 12, width: 1) }.joined()
    }
    return "scale \(number(low)) [\(ramp)] \(number(high))"
  }

  /// Viridis (van der Walt and Smith, matplotlib's default colormap, CC0),
  /// perceptually uniform, for `level` in [0, 1]: dark purple → teal → yellow.
  /// Its values at 17 evenly spaced levels, interpolated.
  static func viridis(_ level: Double) -> (Int, Int, Int) {
    let stops: [(Double, Double, Double)] = [
      (68, 1, 84), (72, 24, 106), (71, 45, 123), (66, 64, 134), (59, 82, 139), (51, 99, 141), (44, 114, 142),
      (38, 130, 142), (33, 145, 140), (31, 159, 136), (39, 173, 129), (61, 188, 116), (92, 200, 99),
      (129, 211, 77), (170, 220, 50), (213, 226, 26), (253, 231, 37),
    ]
    let position = min(max(level, 0), 1) * Double(stops.count - 1)
    let index = min(Int(position), stops.count - 2)
    let t = position - Double(index)
    let (a, b) = (stops[index], stops[index + 1])
    return (Int(a.0 + (b.0 - a.0) * t), Int(a.1 + (b.1 - a.1) * t), Int(a.2 + (b.2 - a.2) * t))
  }

  // MARK: Bars

  func bars(_ figure: Figure) -> String {
    let values = figure.data.scalars
    let labels = values.indices.map { label(figure.rowLabels, $0) }
    let gutter = (labels.map(\.count).max() ?? 1) + 2
    let largest = Figure.barScale(values)
    let barWidth = max(10, min(40, width - gutter - 12))
    var lines: [String] = []
    if let title = figure.title { lines.append(title) }
    for (index, value) in values.enumerated() {
      let length = largest > 0 && value.isFinite ? max(value, 0) / largest * Double(barWidth) : 0
      let whole = Int(length)
      let eighth = Int(((length - Double(whole)) * 8).rounded(.down))
      var bar = String(repeating: "█", count: whole)
      if eighth > 0 { bar.append(FigureText.eighths[eighth - 1]) }
      if case .plain = style {} else { bar = "\u{1B}[36m" + bar + "\u{1B}[0m" }
      let visible = whole + (eighth > 0 ? 1 : 0)
      lines.append(
        pad(labels[index], gutter) + bar + String(repeating: " ", count: barWidth + 1 - visible) + number(value))
    }
    return lines.joined(separator: "\n")
  }

  // MARK: Line plots

  /// Rows of the chart and braille dots per character (2 wide, 4 high).
  static let plotHeight = 10

  /// A line chart in braille dots: the y axis labelled with the largest and
  /// smallest values, the x axis with the first and last index.
  func line(_ figure: Figure) -> String {
    let series = figure.series
    let values = series.flatMap { $0 }.filter(\.isFinite)
    let count = series.map(\.count).max() ?? 0
    guard let low = values.min(), let high = values.max(), count > 0 else {
      return (figure.title.map { $0 + "\n" } ?? "") + "(nothing to plot)"
    }
    let (top, bottom) = (number(high), number(low))
    let gutter = max(top.count, bottom.count) + 1
    let columns = max(10, min(60, width - gutter - 2))
    let rows = FigureText.plotHeight
    var dots = [[UInt8]](repeating: [UInt8](repeating: 0, count: columns), count: rows)
    func set(_ x: Int, _ y: Int) {
      guard x >= 0, x < columns * 2, y >= 0, y < rows * 4 else { return }
      let bits: [UInt8] = x % 2 == 0 ? [0x01, 0x02, 0x04, 0x40] : [0x08, 0x10, 0x20, 0x80]
      dots[rows - 1 - y / 4][x / 2] |= bits[3 - y % 4]
    }
    func point(_ index: Int, _ value: Double) -> (Int, Int) {
      let x = count == 1 ? 0 : Int((Double(index) * Double(columns * 2 - 1) / Double(count - 1)).rounded())
      let level = high > low ? (value - low) / (high - low) : 0.5
      return (x, Int((level * Double(rows * 4 - 1)).rounded()))
    }
    for line in series {
      var previous: (Int, Int)? = nil
      for (index, value) in line.enumerated() {
        guard value.isFinite else {
          previous = nil
          continue
        }
        let current = point(index, value)
        if let (x0, y0) = previous {
          // Join the points so that steep drops stay one line.
          let steps = max(abs(current.0 - x0), abs(current.1 - y0), 1)
          for step in 0...steps {
            let t = Double(step) / Double(steps)
            set(x0 + Int((Double(current.0 - x0) * t).rounded()), y0 + Int((Double(current.1 - y0) * t).rounded()))
          }
        } else {
          set(current.0, current.1)
        }
        previous = current
      }
    }
    var lines: [String] = []
    if let title = figure.title { lines.append(title) }
    for (row, cells) in dots.enumerated() {
      let label = row == 0 ? top : row == rows - 1 ? bottom : ""
      var text = String(cells.map { Character(Unicode.Scalar(0x2800 + UInt32($0)) ?? " ") })
      if case .plain = style {} else { text = "\u{1B}[36m" + text + "\u{1B}[0m" }
      lines.append(String(repeating: " ", count: gutter - label.count) + label + " ┤" + text)
    }
    let last = String(count - 1)
    lines.append(
      String(repeating: " ", count: gutter + 1) + "└" + String(repeating: "─", count: columns))
    lines.append(
      String(repeating: " ", count: gutter + 2) + "0"
        + String(repeating: " ", count: max(1, columns - 1 - last.count))
        + last)
    return lines.joined(separator: "\n")
  }

  // MARK: Text helpers

  func number(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return String(format: "%.\(precision)f", value)
  }

  func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }

  /// Characters a line takes on screen, not counting color escapes.
  func visibleWidth(_ text: String) -> Int {
    var count = 0
    var inEscape = false
    for character in text {
      if character == "\u{1B}" {
        inEscape = true
      } else if inEscape {
        if character.isLetter { inEscape = false }
      } else {
        count += 1
      }
    }
    return count
  }
}
