import Attention
import Testing
import _TestSupport

@Suite struct ReductionTests {
  @Test(arguments: Fixtures.named("reduce."))
  func matchesNumPy(_ fixture: Fixture) throws {
    let functions: [String: (Tensor, Int?) throws -> Tensor] = [
      "sum": { try sum($0, axis: $1) }, "mean": { try mean($0, axis: $1) },
      "max": { try amax($0, axis: $1) }, "min": { try amin($0, axis: $1) },
      "argmax": { try argmax($0, axis: $1) },
    ]
    let parts = fixture.name.split(separator: ".")
    let function = try #require(functions[String(parts[1])])
    let axis: Int? = ["all": nil, "axis0": 0, "axis_last": -1, "nan": 1][String(parts[2])] ?? nil
    let result = try function(fixture.tensor("x"), axis)
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")), "\(result.scalars)")
  }

  @Test func emptyReductions() throws {
    #expect(try sum(zeros([0])) == Tensor(0))
    #expect(throws: TensorError("max", "cannot reduce an empty tensor [0]")) { try amax(zeros([0])) }
  }

  @Test func badAxis() {
    #expect(throws: TensorError("sum", "axis -3 is out of range for rank 2")) {
      try sum(zeros([2, 2]), axis: -3)
    }
  }
}
