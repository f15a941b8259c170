import Attention
import Testing
import _TestSupport

@Suite struct MatrixMultiplicationTests {
  @Test(arguments: Fixtures.named("matmul."))
  func matmulMatchesNumPy(_ fixture: Fixture) throws {
    let result = try matmul(fixture.tensor("a"), fixture.tensor("b"))
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")), "\(result.shape)")
  }

  @Test(arguments: Fixtures.named("dot."))
  func dotMatchesNumPy(_ fixture: Fixture) throws {
    let result = try dot(fixture.tensor("a"), fixture.tensor("b"))
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")), "\(result.shape)")
  }

  @Test func dotErrorsNameTheShapes() {
    #expect(throws: TensorError("dot", "last axes differ: [3] vs [2]")) {
      try dot(Tensor([1, 2, 3]), Tensor([1, 2]))
    }
    #expect(throws: TensorError("dot", "expects tensors of rank 1 or 2, got [] and [2]")) {
      try dot(Tensor(1), Tensor([1, 2]))
    }
  }

  @Test func matmulErrorsNameTheShapes() throws {
    let a = try zeros([2, 3])
    let b = try zeros([2, 3])
    #expect(throws: TensorError("matmul", "inner sizes differ: [2, 3] @ [2, 3] (3 vs 2)")) {
      try matmul(a, b)
    }
  }

  @Test func emptyInnerAxisGivesZeros() throws {
    #expect(try matmul(zeros([2, 0]), zeros([0, 3])) == zeros([2, 3]))
  }
}
