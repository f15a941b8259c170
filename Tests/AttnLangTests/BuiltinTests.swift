import Attention
import AttnLang
import TestSupport
import Testing

@Suite struct BuiltinTests {
  /// Each case evaluates DSL code and compares with NumPy's answer, written
  /// by scripts/make_fixtures.py.
  @Test(arguments: Fixtures.language)
  func matchesNumPy(_ fixture: Fixture) throws {
    let session = Session()
    _ = try session.values(fixture.string("prelude"))
    let value = try session.value(fixture.name)
    guard case .tensor(let tensor) = value else {
      Issue.record("\(fixture.name) gave \(value.typeName)")
      return
    }
    #expect(tensor.isApproximatelyEqual(to: fixture.tensor("expected")), "\(tensor.scalars)")
  }

  /// Every builtin has a help page whose example runs.
  @Test(arguments: Builtins.publicNames)
  func helpExampleRuns(_ name: String) throws {
    let page = try #require(Builtins.help(for: name))
    #expect(page.hasPrefix(name + "("))
    let example = page.split(separator: "\n").filter { $0.hasPrefix("  attn> ") }
      .map { $0.dropFirst("  attn> ".count) }.joined(separator: "\n")
    #expect(!example.isEmpty)
    let values = try Session().values(example)
    #expect(!values.isEmpty, "the example of \(name) prints nothing")
  }

  @Test func everyBuiltinIsCoveredByAFixtureOrTest() {
    let covered = Set(Fixtures.language.map(\.name).joined(separator: " ").split { !$0.isLetter }.map(String.init))
    // Tested in FigureTests and FileBuiltinTests, or by value in seededRandomnessRepeats.
    let tested: Set<String> = ["help", "randn", "rand", "sample", "heatmap", "bars", "load", "save", "svg"]
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
      Session().errors("help(\"sofmax\")").map(\.message) == ["no builtin named 'sofmax'; did you mean 'softmax'?"])
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

  @Test func argumentMistakes() {
    let session = Session()
    #expect(
      session.errors("softmax([1, 2], axes: 0)").map(\.message) == [
        "softmax has no argument 'axes'; valid names: axis:, temperature:"
      ])
    #expect(
      session.errors("softmax([1], [2])").map(\.message) == [
        "softmax takes 1 positional argument, got 2; usage: softmax(x, axis: -1, temperature: 1)"
      ])
    #expect(session.errors("softmax(\"x\")").map(\.message) == ["softmax: argument 1 must be a tensor, got string"])
    #expect(
      session.errors("softmax([1, 2], axis: 0.5)").map(\.message) == ["softmax: axis: must be a whole number, got 0.5"])
    #expect(
      session.errors("multihead(eye(4))").map(\.message) == ["multihead needs heads:, as in multihead(X, heads: 2)"])
    #expect(
      session.errors("multihead(eye(6), heads: 4)").map(\.message) == [
        "multihead: 4 heads do not divide the model width: Q [6, 6], V [6, 6]"
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
        "zeros: shape [20, 20] has 400 elements, more than the limit of 100 (raise it with --max-elements)"
      ])
    #expect(session.errors("ones(10, 1) + ones(1, 11)").first?.message.hasPrefix("+: shape [10, 11] has 110") == true)
    #expect(session.errors("ones(11, 1) @ ones(1, 11)").first?.message.hasPrefix("@: shape [11, 11]") == true)
    #expect(
      Session().errors("zeros(100000, 100000, 100000, 100000)").first?.message.contains("too many elements") == true)
  }
}
