import Foundation
import Testing
import _TestSupport

/// Hostile input through the real binary: whatever comes in, `attn` answers
/// with an error (status 1) or a result (status 0) — never a crash or a hang.
@Suite struct HostileInputTests {
  struct Case: CustomStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var message: String
    var description: String { name }
  }

  static func text(_ name: String, _ text: String, _ message: String) -> Case {
    Case(name: name, bytes: Array(text.utf8), message: message)
  }

  static let cases: [Case] = [
    Case(
      name: "invalid UTF-8", bytes: [0x78, 0x20, 0x3D, 0x20, 0xC3, 0x28, 0xFF, 0x0A], message: "invalid UTF-8 byte"),
    Case(name: "NUL bytes", bytes: Array("x = 1".utf8) + [0, 0, 0x0A], message: "unexpected control character 0x0"),
    text("100 000 nested brackets", String(repeating: "[", count: 100_000), "nested too deeply"),
    text("100 000 nested parentheses", String(repeating: "(", count: 100_000) + "1", "nested too deeply"),
    text("a 10 MB line", String(repeating: "1+", count: 5_000_000) + "1", "statement is too long"),
    text("a 10 MB line of junk", String(repeating: "$", count: 10_000_000), "more errors not shown"),
    text("unterminated string", "load(\"weights.npy)\n", "unterminated string"),
    text("a huge number", "x = 1e400\n", "number 1e400 is too large"),
    text("an enormous shape", "zeros(1000000, 1000000)\n", "more than the limit of 50000000"),
    text("an overflowing shape", "zeros(100000, 100000, 100000, 100000)\n", "too many elements"),
    text("an enormous broadcast", "ones(100000, 1) + ones(1, 100000)\n", "more than the limit"),
    text("an enormous product", "ones(100000, 1) @ ones(1, 100000)\n", "more than the limit"),
    text("a chain of fields", "x = 1\nx" + String(repeating: ".T", count: 100_000), "statement is too long"),
    text("a chain of indices", "x = [1]\nx" + String(repeating: "[0]", count: 100_000), "statement is too long"),
    text("many signs", String(repeating: "-", count: 100_000) + "1", "too many signs"),
    text("many powers", String(repeating: "2^", count: 100_000) + "2", "too many '^' in a row"),
    text("a huge index", "arange(3)[1e300]", "an index is too large"),
    text("a fractional size", "zeros(2.5)", "must be a whole number"),
    text("a negative size", "randn(-3)", "sizes must be non-negative"),
    text("a shell command", "system(\"rm -rf /\")", "unknown function 'system'"),
    text("a missing file", "load(\"/nonexistent/w.npy\")", "no such directory '/nonexistent'"),
    text("a directory", "load(\"/tmp\")", "has no extension to say its format"),
    text("a ragged literal", "[[1, 2], [3]]", "ragged tensor literal"),
    text("deep literal", "[[[[[1]]]]]", "nested deeper than rank 4"),
    text("endless recursion", "def f(n) = f(n + 1)\nf(0)", "recursion is too deep"),
    text("mutual recursion", "def f(n) = g(n)\ndef g(n) = f(n) + 1\nf(0)", "recursion is too deep"),
    text(
      "recursion through a lambda", "def f(g) = g(g)\nf(h -> h(h))", "recursion is too deep"),
    text(
      "10 000 nested blocks", String(repeating: "if 1 {\n", count: 10_000) + String(repeating: "}\n", count: 10_000),
      "nested too deeply"),
    text(
      "10 000 nested defs", String(repeating: "def f() {\n", count: 10_000) + String(repeating: "}\n", count: 10_000),
      "nested too deeply"),
    text("a chain of lambdas", String(repeating: "x -> ", count: 100_000) + "1", "nested too deeply"),
    text("a chain of calls", "f = x -> x\nf" + String(repeating: "(1)", count: 100_000), "statement is too long"),
    text("an unclosed block", "def f(x) {\n  x\n", "expected '}' to close the block"),
    text("a stray brace", "}\n1", "'}' has no matching '{'"),
    text("break outside a loop", "break", "'break' is only allowed inside a loop"),
    text("calling a number", "x = 3\nx(1)", "'x' is a number, not a function"),
    text("a huge range", "range(1e12)", "more than the limit"),
    text("a doubling string", "s = \"ab\"\nwhile true { s = s + s }", "a string of"),
    text("a doubling list", "l = list(1)\nfor i in range(100) { l = l + l }", "a list of"),
    text("a gradient of a vector", "grad(x -> x, [1, 2])", "f must return one number"),
    text("a gradient of a string", "grad(x -> \"a\", 1)", "f must return one number, got a string"),
    text("a gradient of nothing callable", "grad(1, 2)", "f must be a function"),
    text("a gradient inside its own function", "def f(x) = sum(grad(f, x))\nf([1])", "recursion is too deep"),
    text("an enormous jacobian", "jacobian(x -> x, zeros(10000))", "more than the limit"),
    text("an optimizer of a string", "adam(\"weights\")", "adam: p must be a tensor"),
    text("an update without an optimizer", "update(1, 2)", "must be an optimizer made by adam"),
    text(
      "an optimizer at step 1e300",
      "o = adam([1])\nupdate({params: o.params, m: o.m, v: o.v, t: 1e300, lr: 1, beta1: 0.9, beta2: 0.9, eps: 1}, [1])",
      "step count 't' is too large"),
    text(
      "an optimizer at step -2",
      "o = adam([1])\nupdate({params: o.params, m: o.m, v: o.v, t: -2, lr: 1, beta1: 0.9, beta2: 0.9, eps: 1}, [1])",
      "step count 't' must be 0 or more"),
    text("iterating over a number", "for i in 3 { }", "cannot iterate over a number"),
    text("a missing record field", "r = {a: 1}\nr.b", "no field 'b'"),
    text("an additive mask", "attend([1, 0], eye(2), mask: [0, -inf])", "convert it with mask: m == 0"),
    text("reading a FIFO-like device", "lines(\"/dev/zero\")", "not a regular file"),
    text(
      "random binary",
      String(decoding: (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }, as: UTF8.self),
      "error"),
  ]

  func write(_ bytes: [UInt8]) throws -> URL {
    let file = try makeTemporaryDirectory().appendingPathComponent("hostile.attn")
    try Data(bytes).write(to: file)
    return file
  }

  @Test(arguments: cases)
  func errorNotCrash(_ hostile: Case) throws {
    let file = try write(hostile.bytes)
    let result = try AttnProcess.run(["run", file.path])
    #expect(!result.crashed, "attn crashed on \(hostile.name): \(result.stderr.suffix(500))")
    #expect(result.status == 1, "\(hostile.name): status \(result.status)")
    #expect(result.stderr.contains(hostile.message), "\(hostile.name): \(result.stderr.prefix(400))")
    #expect(result.stderr.utf8.count < 20_000, "errors stay readable")
    let json = try AttnProcess.run(["run", "--json", file.path])
    #expect(!json.crashed)
    #expect(json.status == 1)
    for line in json.stdout.split(separator: "\n") {
      #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line.prefix(200))")
    }
  }

  /// Files that once crashed attn (or the fuzzer found): they must now run.
  static let regressions: [String] = {
    let directory = AttnProcess.packageRoot.appendingPathComponent("Tests/attnTests/Hostile")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".attn") }.sorted().map { directory.appendingPathComponent($0).path }
  }()

  @Test(arguments: regressions)
  func regressionFilesNeverCrash(_ path: String) throws {
    let result = try AttnProcess.run(["run", path])
    #expect(!result.crashed, "\(path): \(result.stderr.suffix(500))")
    #expect(result.status == 0 || result.status == 1)
  }

  /// Programs that keep what they make run into the memory limit, however
  /// they build it up, and end in an error.
  @Test(arguments: [
    "l = list()\nwhile true { l = append(l, zeros(1000000)) }",
    "r = {w: list()}\nfor i in range(1e9) { r.w = append(r.w, randn(500, 500)) }",
    "def grow(l) = grow(append(l, ones(100000)))\ngrow(list())",
  ])
  func memoryGrowthStopsAtTheLimit(_ code: String) throws {
    let file = try write(Array(code.utf8))
    let result = try AttnProcess.run(["run", "--max-memory", "400", "--timeout", "60", file.path])
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("stopped: attn used more than 400 MB of memory (raise it with --max-memory)")
        || result.stderr.contains("recursion is too deep"), "\(result.stderr.prefix(400))")
  }

  @Test func aRunawayFileTimesOut() throws {
    let file = try write(Array("X = randn(2500, 2500, seed: 1)\nY = X @ X @ X @ X @ X @ X @ X @ X\n".utf8))
    let started = Date()
    let result = try AttnProcess.run(["run", "--timeout", "1", file.path])
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stderr.contains("timed out after 1.0 seconds"))
    #expect(Date().timeIntervalSince(started) < 8)
  }

  /// Endless loops of the language stop at the time limit, at any depth.
  @Test(arguments: [
    "while true { }", "for i in range(1e15) { }", "def spin() {\n  while true { }\n}\nspin()",
    "l = list()\nwhile true { l = append(l, 1) }", "def f(n) {\n  for i in range(1e9) { n += i }\n  return n\n}\nf(0)",
  ])
  func endlessLoopsTimeOut(_ code: String) throws {
    let file = try write(Array(code.utf8))
    let started = Date()
    let result = try AttnProcess.run(["run", "--timeout", "1", "--json", file.path])
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stdout.contains(#""error": "timed out after 1.0 seconds""#), "\(result.stdout)")
    #expect(result.stdout.split(separator: "\n").count == 1, "only the time-out is reported: \(result.stdout)")
    #expect(Date().timeIntervalSince(started) < 8)
  }

  @Test func oneBadFileDoesNotStopTheOthers() throws {
    let bad = try write([0xFF, 0xFE, 0x00])
    let good = try write(Array("1 + 1\n".utf8))
    let result = try AttnProcess.run(["run", bad.path, "/nonexistent.attn", good.path])
    #expect(result.stdout == "2\n")
    #expect(result.status == 2, "a missing file is a usage error")
  }

  @Test func hostileLessonFilesAreOneError() throws {
    let directory = try makeTemporaryDirectory()
    let binary = directory.appendingPathComponent("binary.md")
    try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: binary)
    let unclosed = directory.appendingPathComponent("unclosed.md")
    try Data("# Lesson\n\n```attn\nattn> 1\n".utf8).write(to: unclosed)
    let result = try AttnProcess.run(["test", binary.path, unclosed.path])
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stderr.contains("binary.md:0: error: the file is not UTF-8 text"))
    #expect(result.stderr.contains("unclosed.md:3: error: the ```attn cell is never closed"))
    #expect(result.stdout.hasSuffix("0 passed, 2 failed\n"))
  }

  @Test func pipedGarbageKeepsTheSessionGoing() throws {
    let result = try AttnProcess.run([], inputBytes: Array("x = 2\n\u{7F}\u{1B}[2J\n)))\nx\n".utf8) + [0xFF, 0x0A])
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stdout == "2\n")
    #expect(!result.stderr.contains("\u{1B}[2J"), "escape sequences in input are not echoed to the terminal")
  }
}
