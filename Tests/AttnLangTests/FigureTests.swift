import Attention
import AttnLang
import Testing
import _TestSupport

@Suite struct FigureTests {
  func text(_ code: String, width: Int = 80) throws -> String {
    var options = DisplayOptions()
    options.width = width
    return ValueFormatter(options: options).format(try Session().value(code))
  }

  @Test func heatmapWithLabels() throws {
    #expect(
      try text(#"heatmap([[1, 0.5, 0], [0, 0.25, 1]], rows: ["le", "chat"], cols: ["the", "cat", "sat"])"#)
        == "     the cat sat\nle   ███ ▒▒▒\nchat     ░░░ ███\nscale 0.0000 [ ░▒▓█] 1.0000")
  }

  /// The softmax Jacobian draws: positive on the diagonal, negative off it
  /// (shaded from the minimum, with the scale saying so).
  @Test func jacobianHeatmap() throws {
    let lines = try text("heatmap(jacobian(softmax, [1, 2, 3]))").split(separator: "\n")
    #expect(lines.count == 5, "a header, three rows and the scale")
    #expect(lines.last == "scale -0.1628 [ ░▒▓█] 0.2227", "\(lines)")
    // The diagonal is the largest: J[1, 1] and J[2, 2] the darkest.
    #expect(lines[2].hasSuffix("██") && lines[3].hasSuffix("██"), "\(lines)")
  }

  @Test func headsSideBySideAndWrapped() throws {
    let wide = try text("heatmap(reshape(arange(8), 2, 2, 2))")
    #expect(wide.split(separator: "\n").first?.contains("head 0") == true)
    #expect(wide.split(separator: "\n").first?.contains("head 1") == true)
    let narrow = try text("heatmap(reshape(arange(8), 2, 2, 2))", width: 12)
    #expect(narrow.split(separator: "\n").filter { $0.contains("head") }.count == 2)
    #expect(!narrow.split(separator: "\n").contains { $0.contains("head 0") && $0.contains("head 1") })
  }

  @Test func wideMapsAreElided() throws {
    let lines = try text("heatmap(ones(2, 100))", width: 40).split(separator: "\n")
    #expect(lines.allSatisfy { $0.count <= 40 })
    #expect(lines[0].contains("…"))
  }

  @Test func barsOfProbabilitiesUseTheWholeScale() throws {
    #expect(
      try text(#"bars([0.5, 0.25, 0], labels: ["a", "b", "c"])"#) == """
        a  ████████████████████                     0.5000
        b  ██████████                               0.2500
        c                                           0.0000
        """)
  }

  @Test func otherBarsScaleToTheLargest() throws {
    #expect(
      try text("bars([4, 1])") == """
        0  ████████████████████████████████████████ 4.0000
        1  ██████████                               1.0000
        """)
  }

  @Test func mistakes() {
    let session = Session()
    #expect(
      session.errors(#"heatmap(eye(2), rows: ["a"])"#).map(\.message) == ["heatmap: rows: has 1 labels for 2 positions"]
    )
    #expect(
      session.errors("heatmap(zeros(1, 1, 1, 1))").map(\.message) == [
        "heatmap: expects a matrix [n, m] or maps [k, n, m], got [1, 1, 1, 1]"
      ])
    #expect(session.errors("bars(eye(2))").map(\.message) == ["bars: expects a vector, got [2, 2]"])
  }

  @Test func recordsShowTheirWeightsWhenAsked() throws {
    var options = DisplayOptions()
    options.picturesUnderRecords = true
    let record = try Session().value("attend([[1, 0], [0, 1]], eye(2))")
    let shown = ValueFormatter(options: options).format(record)
    #expect(shown.contains("scale 0.00 [ ░▒▓█] 0.73"))
    #expect(!ValueFormatter().format(record).contains("scale"))
  }

  @Test func colorStylesUseEscapes() throws {
    var options = DisplayOptions()
    options.pictures = .trueColor
    let shown = ValueFormatter(options: options).format(try Session().value("heatmap(eye(2))"))
    #expect(shown.contains("\u{1B}[48;2;"))
    options.pictures = .palette256
    #expect(ValueFormatter(options: options).format(try Session().value("heatmap(eye(2))")).contains("\u{1B}[48;5;"))
  }

  /// `values: true` writes each cell's number (two decimals, whole numbers
  /// as they are) before its shade, as matplotlib's annot.
  @Test func heatmapValues() throws {
    #expect(
      try text(#"heatmap([[0.63, 0.23], [0.08, 0.83]], values: true, rows: ["a", "b"])"#) == """
          0     1
        a 0.63▓ 0.23░
        b 0.08  0.83█
        scale 0.0000 [ ░▒▓█] 0.8300
        """)
    #expect(try text("heatmap(eye(2), values: true)").hasPrefix("  0  1\n0 1█ 0\n1 0  1█"))
  }

  /// On a 256-color terminal the cells follow viridis in 13 steps: weights
  /// 0.21 and 0.35 get different colors (the gray ramp made them nearly one),
  /// and a written value is dark on light cells, light on dark ones.
  @Test func palette256ShadesFollowViridis() throws {
    var options = DisplayOptions()
    options.pictures = .palette256
    let shown = ValueFormatter(options: options).format(try Session().value("heatmap([[0.21, 0.35, 1]], values: true)"))
    let colors = shown.components(separatedBy: "\u{1B}[48;5;").dropFirst().map { $0.prefix { $0 != "m" } }
    #expect(colors.prefix(3) == ["24", "31", "220"], "\(colors)")
    #expect(shown.contains("\u{1B}[48;5;220m\u{1B}[30m"), "dark text on the yellow cell")
    #expect(shown.contains("\u{1B}[48;5;24m\u{1B}[97m"), "light text on the dark cell")
  }
}
