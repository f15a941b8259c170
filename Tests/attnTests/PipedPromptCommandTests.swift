import Foundation
import Testing
import _TestSupport

/// The `:` commands, through the real binary with piped input.
@Suite struct PipedPromptCommandTests {
  @Test func helpVarsResetAndTime() throws {
    let input =
      ":help\n?softmax\nx = eye(2)\nr = attend([1, 0], eye(2))\n:vars\n:time softmax([1, 2, 3])\n:reset\n:vars\n"
    let result = try AttnProcess.run([], input: input)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains(":lesson [N]"))
    #expect(result.stdout.contains("softmax(x, axis: -1, temperature: 1)\n  turns scores into probabilities"))
    #expect(result.stdout.contains("x: tensor [2, 2]\nr: record (scores [2], weights [2], output [2])"))
    #expect(result.stdout.contains("median "))
    #expect(result.stdout.contains("cleared every variable\nno variables yet"))
  }

  /// Progress bars stay out of pipes and files: standard output shows only
  /// the loop's effects, standard error one summary line.
  @Test func progressDrawsNothingIntoAPipe() throws {
    let result = try AttnProcess.run([], input: "w = 0\nfor s in progress(range(500), show: \"w\") { w += 1 }\nw\n")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "500\n")
    #expect(result.stderr.hasPrefix("500 steps in ") && result.stderr.hasSuffix(" · w 500\n"), "\(result.stderr)")
  }

  @Test func loadSaveAndExport() throws {
    let directory = try makeTemporaryDirectory()
    let script = directory.appendingPathComponent("setup.attn")
    try "U = [[1, 0], [0, 1]]\nU\n".write(to: script, atomically: true, encoding: .utf8)
    let page = directory.appendingPathComponent("session.html")
    let input = ":load \(script.path)\nr = attend([1, 0], U)\nr\n:export \(page.path)\n:load /nonexistent.attn\n"
    let result = try AttnProcess.run([], input: input)
    #expect(result.stdout.contains("2×2 tensor"))
    #expect(result.stdout.contains("exported 3 inputs to \(page.path)"), "the loaded file counts as an input")
    #expect(result.stderr.contains("cannot read '/nonexistent.attn': no such file"))
    #expect(result.status == 1)
    let html = try String(contentsOf: page, encoding: .utf8)
    #expect(html.contains("<svg "), "the attention record's weights are drawn")
  }

  @Test func unknownCommandsSuggest() throws {
    let result = try AttnProcess.run([], input: ":sav x\n:frobnicate\n")
    #expect(result.stderr.contains("unknown command ':sav'; did you mean ':save'?"))
    #expect(result.stderr.contains("unknown command ':frobnicate'"))
    #expect(result.status == 1)
  }

  @Test func explainAtThePromptShowsTheStages() throws {
    let result = try AttnProcess.run([], input: ":explain softmax([1, 2, 3])\n:explain\n")
    #expect(result.stdout.hasPrefix("explain softmax([1, 2, 3]): softmax, step by step\n\n1. one lane, step by step:"))
    #expect(result.stdout.contains("weights = [0.0900, 0.2447, 0.6652]"))
    #expect(result.stderr.contains(":explain needs a call"))
  }
}

/// A session saved as a notebook re-runs as it ran, whatever it printed:
/// lines that look like prompts, fences or escapes are escaped (a round trip
/// over random printed text).
@Suite struct SavedNotebookRoundTripTests {
  @Test(arguments: [1, 2, 3, 4, 5])
  func randomPrintedTextRoundTrips(_ seed: UInt64) throws {
    var generator = SeededGenerator(seed: seed)
    let pieces = [
      "attn> ", "...> ", "attn>", "...>", "```", "````", "\\\\", "\\\\n", "#", "...", " ", "x = 1", "[1, 2]", "é", "`",
      "\\\"", "0.5", "\\t", "",
    ]
    var input = ""
    for _ in 0..<40 {
      let line = (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
        .joined()
      input += "print(\"\(line)\")\n"
    }
    let directory = try makeTemporaryDirectory()
    let saved = try AttnProcess.run([], input: input + ":save session.md\n", directory: directory)
    #expect(saved.stdout.contains("saved 40 inputs to session.md"), "\(saved.stderr)")
    let check = try AttnProcess.run(["test", directory.appendingPathComponent("session.md").path])
    let notebook = try String(contentsOf: directory.appendingPathComponent("session.md"), encoding: .utf8)
    #expect(check.status == 0, "\(check.stdout)\n\(notebook)")
  }
}

/// A small deterministic generator for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
