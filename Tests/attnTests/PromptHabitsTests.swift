import Foundation
import Testing
import _TestSupport

/// What a student meets at the prompt, through the real binary: pointers
/// for Python habits, `none`, help from a comment, `:vars` with values,
/// shapes as written, and a progress loop's summary.
@Suite struct PromptHabitsTests {
  func prompt(_ input: String) throws -> AttnProcess.Result {
    try AttnProcess.run([], input: input)
  }

  @Test func pythonHabitsGetPointers() throws {
    let result = try prompt("x = 3\nx ** 2\n7 // 2\nquit()\nexit\nNone\nTrue\nfloor(7 / 2)\nx\n")
    #expect(result.stderr.contains("error: attn writes powers with ^, as in x ^ 2 (** is Python's)"))
    #expect(result.stderr.contains("error: attn has no //: floor(a / b) divides to a whole number"))
    #expect(result.stderr.contains("unknown function 'quit'; to leave the prompt type :quit (or press Ctrl-D)"))
    #expect(result.stderr.contains("unknown name 'exit'; to leave the prompt type :quit"))
    #expect(result.stderr.contains("unknown name 'None'; attn writes none"))
    #expect(result.stderr.contains("unknown name 'True'; attn writes true"))
    #expect(result.stdout == "3\n3\n", "floor gives 3 and x is kept: \(result.stdout)")
  }

  /// Help writes absent defaults as `none`; `none` can be written too and leaves the argument out.
  @Test func noneLeavesAnArgumentOut() throws {
    let result = try prompt(
      "attend([1, 0], eye(2), mask: none).weights\nsoftmax([1, 2], axis: none)\ndef f(x, t: 2) = x * t\nf(3, t: none)\n"
    )
    #expect(result.stdout == "[0.7311, 0.2689]\n[0.2689, 0.7311]\n6\n", "\(result.stderr)")
    #expect(result.status == 0)
  }

  @Test func aCommentAboveADefIsItsHelp() throws {
    let result = try prompt("# Twice x, elementwise.\ndef twice(x) = 2 * x\nhelp(twice)\ntwice(2)\n")
    #expect(result.stdout.contains("Twice x, elementwise."), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("4\n"))
  }

  @Test func varsShowsSmallValues() throws {
    let result = try prompt(
      "T = 0.5\nq = [1, 0.2]\nX = randn(4, 8)\nname = \"emma\"\nl = list(1, 2)\nr = attend(q, eye(2))\n:vars\n")
    let expected = """
      T: 0.5000
      q: [1.0000, 0.2000]
      X: tensor [4, 8]
      name: "emma"
      l: list of 2 items
      r: record (scores [2], weights [2], output [2])

      """
    #expect(result.stdout == expected)
  }

  @Test func shapesPrintAsWritten() throws {
    let result = try prompt("shape(zeros(2, 384))\nzeros(3, 16, 2).shape\n[[10, 2], [3, 400]]\n")
    #expect(result.stdout == "[2, 384]\n[3, 16, 2]\n2×2 tensor\n[[ 10,   2],\n [  3, 400]]\n")
  }

  /// In a pipe a progress loop prints only its summary, on standard error,
  /// with the variable it shows named; standard output keeps the values.
  @Test func aProgressLoopLeavesASummary() throws {
    let file = try makeTemporaryDirectory().appendingPathComponent("train.attn")
    try "loss = 5\nfor i in progress(range(300), show: \"loss\") { loss = loss * 0.99 }\nloss\n"
      .write(to: file, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["run", file.path])
    #expect(result.stdout == "0.2452\n")
    let summary = result.stderr.trimmingCharacters(in: .newlines)
    #expect(summary.hasPrefix("300 steps in "), "\(summary)")
    #expect(summary.contains(" steps/s · loss 0.2452"), "\(summary)")
    #expect(!summary.contains("\n") && !summary.contains("\u{1B}"), "one line, no bar: \(summary)")
  }

  /// tokens: says how many tokens a step processes; the summary gives the
  /// rate in tokens per second too (steps/s × tokens, grouped by thousands).
  @Test func aProgressLoopCountsTokens() throws {
    let file = try makeTemporaryDirectory().appendingPathComponent("train.attn")
    try "loss = 5\nfor i in progress(range(3000), show: \"loss\", tokens: 12 * 64) { loss = loss * 0.999 }\n"
      .write(to: file, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["run", file.path])
    let summary = result.stderr.trimmingCharacters(in: .newlines)
    let rates = try #require(summary.firstMatch(of: /· ([\d.]+) steps\/s · ([\d,]+) tokens\/s · loss/), "\(summary)")
    let steps = try #require(Double(rates.1))
    let tokens = try #require(Double(rates.2.replacingOccurrences(of: ",", with: "")))
    #expect(abs(tokens - steps * 768) <= 768, "\(summary)")
    let bad = try AttnProcess.run(["run", "-"], input: "for i in progress(range(3), tokens: -1) { }\n")
    #expect(bad.stderr.contains("progress: tokens: must be a positive number (tokens per step)"), "\(bad.stderr)")
  }

  @Test func helpLessonExplainsTheWalkthrough() throws {
    let result = try prompt(":help lesson\n")
    #expect(result.stdout.contains("Enter          runs the offered line"))
    #expect(result.stdout.contains("typing         replaces the offered line"))
    #expect(result.stdout.contains(":skip  skip the offered input"))
  }
}
