import Foundation
import Testing
import _TestSupport

/// Values nested a million deep, through the real binary: made, compared,
/// printed, freed (also when a memory stop undoes them, and in the kernel),
/// never a signal, in time linear in their size.
@Suite struct DeepValueTests {
  func run(_ code: String, _ arguments: [String] = []) throws -> AttnProcess.Result {
    let file = try makeTemporaryDirectory().appendingPathComponent("deep.attn")
    try code.write(to: file, atomically: true, encoding: .utf8)
    return try AttnProcess.run(["run"] + arguments + [file.path])
  }

  @Test func listsAMillionDeepAreComparedPrintedAndFreed() throws {
    let result = try run(
      """
      a = list()
      b = list()
      for i in range(1000000) { a = list(a); b = list(b) }
      a == b
      a == append(b, 1)
      len(str(a))
      a = 0
      b = 0
      "freed"
      """)
    #expect(!result.crashed, "\(result.stderr)")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "1\n0\n6000006\n\"freed\"\n")
  }

  @Test func recordsAndClosuresAMillionDeep() throws {
    let result = try run(
      """
      r = {a: 0}
      for i in range(1000000) { r = {a: r} }
      len(str(r))
      r = 0
      def chain(n) {
        f = x -> x + 1
        for i in range(n) { g = f; f = x -> g(x) }
        return f
      }
      f = chain(1000000)
      f = 0
      deep = {a: 1}
      for i in range(2000) { deep = {a: deep} }
      deep + 1
      """)
    #expect(!result.crashed, "\(result.stderr)")
    #expect(result.stdout == "3000004\n")
    #expect(result.stderr.contains("records and lists nest more than 1000 deep here"), "\(result.stderr)")
    #expect(result.status == 1)
  }

  /// Printing is linear: a list 200 000 deep prints (as text and as JSON) at
  /// once, where joining each level's text to the next took quadratic time.
  @Test func printingDeepValuesIsLinear() throws {
    let started = Date()
    let text = try run("l = list(1)\nfor i in range(200000) { l = list(l) }\nl\nprint(l)\n")
    let json = try run("l = list(1)\nfor i in range(200000) { l = list(l) }\nl\n", ["--json"])
    #expect(text.status == 0 && json.status == 0, "\(text.stderr) \(json.stderr)")
    #expect(text.stdout.count == 2 * (200000 * 6 + 8))
    #expect(
      json.stdout.hasPrefix(#"{"file": "#)
        && json.stdout.contains(String(repeating: #"{"type": "list", "items": ["#, count: 3)))
    #expect(Date().timeIntervalSince(started) < 60)
  }

  /// A memory stop undoes the statement, which frees the deep value it built.
  @Test func aMemoryStopFreesADeepValue() throws {
    let result = try run("l = list()\nwhile true { l = list(l, zeros(1000)) }\n", ["--max-memory", "300"])
    #expect(!result.crashed, "\(result.stderr)")
    #expect(result.status == 1)
    #expect(result.stderr.contains("attn used more than 300 MB of memory"), "\(result.stderr)")
  }

  /// The kernel keeps every variable after a deep value is made and dropped.
  @Test func theKernelSurvivesDeepValues() throws {
    let requests = [
      #"{"id": 1, "execute": "x = 42"}"#,
      #"{"id": 2, "execute": "l = list()\nfor i in range(1000000) { l = list(l) }\nl = 0"}"#,
      #"{"id": 3, "execute": "x"}"#,
    ]
    let result = try AttnProcess.run(["serve", "--stdio"], input: requests.joined(separator: "\n") + "\n")
    #expect(!result.crashed, "\(result.stderr)")
    #expect(result.status == 0)
    #expect(result.stdout.contains(#""text":"42""#) || result.stdout.contains(#""text": "42""#), "\(result.stdout)")
  }
}
