import Attention
import AttnLang
import Testing
import _TestSupport

/// grad, valgrad and jacobian at the language's level: through functions,
/// lambdas, loops, records and lists, against PyTorch's autograd.
@Suite struct GradientLanguageTests {
  @Test(arguments: Fixtures.languageGradients)
  func matchesPyTorch(_ fixture: Fixture) throws {
    try expectValue(of: fixture, tolerance: 1e-9)
  }

  /// adamw, update, schedule and clipgrad against torch.optim.AdamW,
  /// nanoGPT's get_lr and torch.nn.utils.clip_grad_norm_.
  @Test(arguments: Fixtures.languageTraining)
  func trainingMatchesPyTorch(_ fixture: Fixture) throws {
    try expectValue(of: fixture, tolerance: 1e-12)
  }

  /// Runs the fixture's prelude, evaluates its name as code and compares
  /// the tensor it gives with PyTorch's.
  func expectValue(of fixture: Fixture, tolerance: Double) throws {
    let session = Session()
    _ = try session.values(fixture.string("prelude"))
    let value = try session.value(fixture.name)
    let tensor = try #require(value.tensor, "\(fixture.name) gave \(value.typeName)")
    #expect(tensor.isApproximatelyEqual(to: fixture.tensor("expected"), tolerance: tolerance), "\(tensor.scalars)")
  }

  @Test func valgradGivesBothFromOnePass() throws {
    let session = Session()
    let result = try session.value("valgrad(x -> sum(x * x), [1, 2])")
    #expect(result == .record(Record([("value", .number(5)), ("grad", .tensor(Tensor([2, 4])))])))
    // The gradient has x's structure.
    #expect(
      try session.value("grad(p -> p.a * p.b, {a: 2, b: 3})")
        == .record(Record([("a", .number(3)), ("b", .number(2))])))
    #expect(try session.value("grad(x -> 5, [1, 2])") == .tensor(Tensor([0, 0])), "a constant has no gradient")
  }

  @Test func argmaxAndHardAttentionPassNoGradient() throws {
    let session = Session()
    _ = try session.values("K = [[1, 0], [0, 1], [1, 1]]")
    #expect(try session.value("grad(q -> sum(attend(q, K, hard: true).output), [1, 0.5])") == .tensor(Tensor([0, 0])))
    let soft = try #require(try session.value("grad(q -> sum(attend(q, K).output), [1, 0.5])").tensor)
    #expect(soft.scalars.contains { $0 != 0 })
    #expect(try session.value("grad(x -> sum(onehot(argmax(x), 3) * x), [1, 5, 2])") == .tensor(Tensor([0, 1, 0])))
  }

  @Test func mistakesAreClear() {
    let session = Session()
    func messages(_ code: String) -> [String] { session.errors(code).map(\.message) }
    #expect(
      messages("grad(x -> x, [1, 2])") == [
        "grad: f must return one number, got a tensor [2]; for a function giving several numbers use jacobian(f, x)"
      ])
    #expect(messages("grad(x -> \"a\", 1)") == ["grad: f must return one number, got a string"])
    #expect(
      messages("grad(x -> 1, {a: \"s\"})") == [
        "grad: x must be a tensor, or records and lists of tensors; x.a is a string"
      ])
    #expect(messages("grad(3, [1])") == ["grad: f must be a function, got number"])
    #expect(messages("grad(qwerty, [1])") == ["unknown name 'qwerty'"])
    #expect(messages("jacobian(x -> \"a\", [1])") == ["jacobian: f must return a tensor, got string"])
    #expect(
      messages("jacobian(x -> x, zeros(2, 2, 2))").first?.hasPrefix(
        "jacobian: the result would have shape [2, 2, 2, 2, 2, 2]") == true)
  }

  /// Elements assigned inside the function keep their gradient: the written
  /// part goes to the value written, the rest to the tensor written into.
  @Test func elementAssignmentIsDifferentiable() throws {
    let session = Session()
    _ = try session.values(
      """
      def f(v) {
        w = [10, 20, 30]
        w[0] = v[0] * v[1]
        w[1:] = v
        return sum(w * [1, 2, 3])
      }
      def g(v) {
        out = zeros(2, 2)
        for i in range(2) { out[i] = v * (i + 1) }
        return sum(out)
      }
      """)
    // ∂/∂v of v0·v1 + 2·v0 + 3·v1 at (3, 4): (4 + 2, 3 + 3).
    #expect(try session.value("grad(f, [3, 4])") == .tensor(Tensor([6, 6])))
    #expect(try session.value("grad(g, [1, 1])") == .tensor(Tensor([3, 3])))
  }

  /// Errors inside the differentiated function keep their call stack.
  @Test func errorsInsideFKeepTheirPlace() throws {
    let session = Session()
    let errors = session.errors("def f(x) = dot(x, [1, 2, 3])\ngrad(f, [1, 2])")
    #expect(errors.map(\.message) == ["dot: last axes differ: [2] vs [3]"])
    #expect(errors.first?.callStack.map(\.function) == ["f"])
  }
}
