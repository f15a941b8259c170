import Lessons
import Testing

@Suite struct OutputMatcherTests {
  func match(_ expected: [String], _ actual: [String], tolerance: Double? = nil) -> Bool {
    OutputMatcher.matches(expected: expected, actual: actual, tolerance: tolerance)
  }

  @Test func numbersMatchToTheWrittenPrecision() {
    #expect(match(["0.2447"], ["0.24473"]))
    #expect(match(["[0.2447, 0.1]"], ["[0.2448, 0.1000]"]))
    #expect(!match(["0.2447"], ["0.2460"]))
    #expect(!match(["3"], ["4"]))
    #expect(match(["3"], ["3"]))
    #expect(match(["1.5e-05"], ["1.52e-05"]))
    #expect(!match(["1.5e-05"], ["1.7e-05"]))
    #expect(match(["-0.5"], ["-0.5000"]))
    #expect(!match(["-0.5"], ["0.5"]))
  }

  @Test func textMustMatchButWhitespaceDoesNot() {
    #expect(match(["[ 1, 20]"], ["[1, 20]"]))
    #expect(!match(["scores: [1]"], ["weights: [1]"]))
    #expect(!match(["[1, 2]"], ["[1, 2]", "extra"]))
    #expect(match(["2×3 tensor"], ["2×3 tensor"]))
  }

  @Test func wildcards() {
    #expect(match(["scores: ..."], ["scores: [1, 2, 3]"]))
    #expect(match(["a ... z"], ["a b c z"]))
    #expect(!match(["a ... z"], ["a b c y"]))
    #expect(match(["first", "...", "last"], ["first", "x", "y", "last"]))
    #expect(match(["first", "...", "last"], ["first", "last"]))
    #expect(match(["..."], []))
  }

  @Test func cellTolerance() {
    #expect(match(["1e-17"], ["-3e-16"], tolerance: 1e-9))
    #expect(!match(["1e-17"], ["-3e-16"]))
  }

  @Test func diffMarksChangedLines() {
    let diff = LessonReport.diff(expected: ["a", "[1, 2]", "c"], actual: ["a", "[1, 3]", "c"])
    #expect(diff == "    a\n  - [1, 2]\n  + [1, 3]\n    c\n")
  }
}
