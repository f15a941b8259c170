import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

@Suite struct BuiltinTests {
  /// Each case evaluates DSL code and compares with NumPy's answer, written
  /// by scripts/make_fixtures.py.
  @Test(arguments: Fixtures.language)
  func matchesNumPy(_ fixture: Fixture) throws {
    let session = Session()
    _ = try session.values(fixture.string("prelude"))
    let value = try session.value(fixture.name)
    guard let tensor = value.tensor else {
      Issue.record("\(fixture.name) gave \(value.typeName)")
      return
    }
    #expect(tensor.isApproximatelyEqual(to: fixture.tensor("expected")), "\(tensor.scalars)")
  }

  /// Every builtin has a help page whose example shows what it prints, as
  /// the prompt prints it: each input runs again here and must print what
  /// help shows (scripts/update_help_examples.py records it).
  @Test(arguments: Builtins.publicNames)
  func helpExampleShowsWhatItPrints(_ name: String) throws {
    let page = try #require(Builtins.help(for: name))
    #expect(page.hasPrefix(name + "("))
    let shown = try #require(page.components(separatedBy: "\nExample:\n").last).split(
      separator: "\n", omittingEmptySubsequences: false
    ).map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }
    // The transcript: each input with the lines it printed.
    var entries: [(input: String, output: [String])] = []
    for line in shown {
      if line.hasPrefix("attn> ") {
        entries.append((String(line.dropFirst("attn> ".count)), []))
      } else if !entries.isEmpty {
        entries[entries.count - 1].output.append(line)
      }
    }
    #expect(!entries.isEmpty, "\(name) has no example")
    #expect(entries.contains { !$0.output.isEmpty }, "the example of \(name) prints nothing")
    let session = Session()
    let formatter = ValueFormatter(options: DisplayOptions())
    let temporary = try session.temporaryDirectory()
    for entry in entries {
      let printed = try session.values(entry.input).map(formatter.format).joined(separator: "\n")
        .replacingOccurrences(of: temporary + "/", with: "…/")
      var lines =
        printed.isEmpty ? [] : printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.count > 12 { lines = Array(lines.prefix(12)) + ["… (\(lines.count - 12) more lines)"] }
      let trimmed = { (lines: [String]) in
        lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
      }
      #expect(
        trimmed(lines) == trimmed(entry.output),
        "help(\(name)) shows for \(entry.input):\n\(entry.output.joined(separator: "\n"))\nbut it prints:\n\(lines.joined(separator: "\n"))\n(scripts/update_help_examples.py records it anew)"
      )
    }
  }

  @Test func everyBuiltinIsCoveredByAFixtureOrTest() {
    let covered = Set(Fixtures.language.map(\.name).joined(separator: " ").split { !$0.isLetter }.map(String.init))
    // Tested in FigureTests and FileBuiltinTests, by value in seededRandomnessRepeats, in LanguageTests and
    // TrainingLanguageTests, or against PyTorch in GradientLanguageTests.
    let tested: Set<String> = [
      "help", "randn", "rand", "sample", "heatmap", "bars", "load", "save", "svg", "list", "append", "len", "range",
      "filter", "chars", "split", "str", "print", "fields", "grad", "valgrad", "jacobian", "plot", "progress", "vocab",
      "encode",
      "decode", "shuffle", "lines", "tempdir", "explain", "sin", "cos", "rope", "alibi", "window", "flashattend",
      "crossentropy", "mse", "logsoftmax", "rmsnorm", "gelu", "adam", "update", "sgd",
      "adamw", "schedule", "clipgrad", "batch", "dropout", "readtext", "generate",
      // Against PyTorch in PrecisionLanguageTests.
      "float32", "float64", "bfloat16",
    ]
    let missing = Builtins.publicNames.filter { !covered.contains($0) && !tested.contains($0) }
    #expect(missing.isEmpty, "no value test for \(missing)")
  }

  @Test func helpListsEveryBuiltin() throws {
    guard case .text(let overview) = try Session().value("help()") else {
      Issue.record("help() is not text")
      return
    }
    for name in Builtins.publicNames { #expect(overview.contains("  \(name) ")) }
  }

  @Test func helpOfAnUnknownNameSuggests() {
    #expect(
      Session().errors("help(\"sofmax\")").map(\.message) == ["no function named 'sofmax'; did you mean 'softmax'?"])
  }

  @Test func seededRandomnessRepeats() throws {
    let session = Session()
    #expect(try session.value("randn(3, seed: 5)") == session.value("randn([3], seed: 5)"))
    #expect(
      try session.value("sample([0.5, 0.5], n: 4, seed: 1)") == session.value("sample([0.5, 0.5], n: 4, seed: 1)"))
    #expect(
      try session.value("multihead(eye(4), heads: 2, seed: 3)") == session.value("multihead(eye(4), heads: 2, seed: 3)")
    )
    #expect(
      try session.value("multihead(eye(4), heads: 2, seed: 3)") != session.value("multihead(eye(4), heads: 2, seed: 4)")
    )
  }

  @Test func argumentMistakes() throws {
    let session = Session()
    #expect(
      session.errors("softmax([1, 2], axes: 0)").map(\.message) == [
        "softmax has no argument 'axes'; did you mean 'axis:'? (valid names: axis:, temperature:)"
      ])
    #expect(
      session.errors("softmax([1], [2])").map(\.message) == [
        "softmax takes 1 positional argument, got 2; usage: softmax(x, axis: -1, temperature: 1)"
      ])
    #expect(session.errors("softmax(\"x\")").map(\.message) == ["softmax: x must be a tensor, got string"])
    #expect(
      session.errors("softmax([1, 2], axis: 0.5)").map(\.message) == ["softmax: axis: must be a whole number, got 0.5"])
    #expect(
      session.errors("multihead(eye(4))").map(\.message) == [
        "multihead needs heads:; usage: multihead(Xq, Xkv = Xq, heads:, kvheads: heads, wq: Xavier, wk: Xavier, wv: Xavier, wo: Xavier, mask: none, causal: false, seed: 0, bias: none, bq: none, bk: none, bv: none, bo: none)"
      ])
    #expect(
      session.errors("attend([1, 0])").map(\.message) == [
        "attend needs K; usage: attend(q, K, V = K, scale: 1, mask: none, causal: false, hard: false, bias: none)"
      ])
    #expect(
      session.errors("attend([1, 0], eye(2), q: [1, 0])").map(\.message) == [
        "attend: q is given twice (by position and by name)"
      ])
    #expect(
      session.errors("eye(n: 2, m: 3)").map(\.message) == ["eye has no argument 'm'; valid names: dtype:"])
    #expect(try session.value("attend(K: eye(2), q: [1, 0]).output") == session.value("attend([1, 0], eye(2)).output"))
    #expect(
      session.errors("multihead(eye(6), heads: 4)").map(\.message) == [
        "multihead: 4 heads do not divide the model width: Q [6, 6], K [6, 6], V [6, 6]"
      ])
    #expect(
      session.errors("attend([1, 0], eye(2), hard: 2)").map(\.message) == [
        "attend: hard: must be true or false, got number"
      ])
    #expect(session.errors("randn(2, seed: -1)").map(\.message) == ["randn: seed: must be non-negative, got -1"])
    #expect(session.errors("zeros(2, -1)").map(\.message) == ["zeros: sizes must be non-negative, got -1"])
  }

  @Test func elementLimitIsCheckedBeforeAllocating() {
    var options = SessionOptions()
    options.maximumElements = 100
    let session = Session(options: options)
    #expect(
      session.errors("zeros(20, 20)").map(\.message) == [
        "zeros: shape [20, 20] has 400 elements, more than the limit of 100"
      ])
    #expect(session.errors("ones(10, 1) + ones(1, 11)").first?.message.hasPrefix("+: shape [10, 11] has 110") == true)
    #expect(session.errors("ones(11, 1) @ ones(1, 11)").first?.message.hasPrefix("@: shape [11, 11]") == true)
    #expect(
      Session().errors("zeros(100000, 100000, 100000, 100000)").first?.message.contains("too many elements") == true)
  }

  /// The limit holds for results made inside an operation too, not only for
  /// what a builtin's arguments announce (the projections of selfattend).
  @Test func elementLimitHoldsInsideOperations() {
    var options = SessionOptions()
    options.maximumElements = 1000
    options.elementLimitHint = "(raise it with --max-elements)"
    let session = Session(options: options)
    #expect(session.errors("zeros(20, 100)").first?.message.hasPrefix("zeros: shape [20, 100] has 2000") == true)
    #expect(
      session.errors("selfattend(ones(20, 1), wq: ones(1, 100), wk: ones(1, 100), wv: ones(1, 100))").map(\.message)
        == [
          "selfattend: shape [20, 100] has 2000 elements, more than the limit of 1000 (raise it with --max-elements)"
        ])
    #expect(
      session.errors("multihead(ones(40, 4), heads: 2)").first?.message.hasPrefix("multihead: shape [2, 40, 40]")
        == true)
    #expect(session.errors("outer(ones(40), ones(40))").first?.message.hasPrefix("outer: shape [40, 40]") == true)
    #expect(session.errors("x = ones(10, 10); x").isEmpty)
  }

  /// Errors name the builtin the student wrote, never the library's operation.
  @Test func errorsSpeakTheLanguagesNames() {
    let session = Session()
    let attend = session.errors("attend([1, 0, 0], eye(2))").map(\.message)
    #expect(attend.count == 1 && attend[0].hasPrefix("attend: "))
    let selfattend = session.errors("selfattend(eye(2), wq: ones(3, 2))").map(\.message)
    #expect(selfattend.count == 1 && selfattend[0].hasPrefix("selfattend: "))
    for message in attend + selfattend {
      #expect(!message.hasPrefix("attention:") && !message.hasPrefix("selfattention:"))
    }
  }
}
