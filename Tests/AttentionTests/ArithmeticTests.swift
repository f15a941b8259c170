import Attention
import Testing
import _TestSupport

@Suite struct ArithmeticTests {
  static let operations: [String: BinaryOperation] = [
    "add": .add, "subtract": .subtract, "multiply": .multiply, "divide": .divide, "power": .power,
    "less": .less, "greater_or_equal": .greaterOrEqual, "equal": .equal, "not_equal": .notEqual,
    "equal_self": .equal,
  ]

  @Test(arguments: Fixtures.named("elementwise."))
  func broadcastsLikeNumPy(_ fixture: Fixture) throws {
    let key = fixture.name.split(separator: ".")[1]
    let operation = try #require(Self.operations[String(key)])
    let result = try elementwise(fixture.tensor("a"), operation, fixture.tensor("b"))
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")), "\(result)")
  }

  @Test(arguments: Fixtures.named("unary."))
  func unaryMatchesNumPy(_ fixture: Fixture) throws {
    let functions: [String: (Tensor) -> Tensor] = [
      "exp": exp, "log": log, "sqrt": sqrt, "abs": absolute, "tanh": tanh, "sin": sin, "cos": cos, "relu": relu,
      "sigmoid": sigmoid,
    ]
    let function = try #require(functions[String(fixture.name.dropFirst("unary.".count))])
    #expect(function(fixture.tensor("x")).isApproximatelyEqual(to: fixture.tensor("expected")))
  }

  @Test func operatorsMatchElementwise() throws {
    let a = Tensor([1, 2, 3])
    #expect(try a + Tensor(1) == Tensor([2, 3, 4]))
    #expect(try a - a == Tensor([0, 0, 0]))
    #expect(try a * a == Tensor([1, 4, 9]))
    #expect(try a / Tensor(0) == Tensor([.infinity, .infinity, .infinity]))
    #expect(-a == Tensor([-1, -2, -3]))
  }

  @Test func incompatibleShapesNameBoth() throws {
    let a = try zeros([2, 3])
    #expect(throws: TensorError("+", "shapes [2, 3] and [2] cannot be broadcast together")) {
      try a + Tensor([1, 2])
    }
  }

  @Test func nanComparesFalseExceptNotEqual() throws {
    let x = Tensor([.nan])
    #expect(try elementwise(x, .equal, x) == Tensor([0]))
    #expect(try elementwise(x, .notEqual, x) == Tensor([1]))
  }

  @Test func broadcastToStretchesUnitAxes() throws {
    let column = try Tensor(shape: [2, 1], scalars: [1, 2])
    #expect(try column.broadcast(to: [2, 3]).scalars == [1, 1, 1, 2, 2, 2])
    // A scalar stretches to any shape (this once read past its one element).
    #expect(try Tensor(5).broadcast(to: [3]).scalars == [5, 5, 5])
    #expect(try Tensor(5).broadcast(to: [2, 2]).scalars == [5, 5, 5, 5])
    #expect(throws: TensorError("broadcast", "cannot broadcast [2, 1] to [3]")) {
      try column.broadcast(to: [3])
    }
  }
}
