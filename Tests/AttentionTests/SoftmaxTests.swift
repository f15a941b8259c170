import Attention
import Testing
import _TestSupport

@Suite struct SoftmaxTests {
  @Test(arguments: Fixtures.named("softmax."))
  func matchesNumPy(_ fixture: Fixture) throws {
    let x = fixture.tensor("x")
    let axis = fixture.name.hasSuffix("axis0") ? 0 : fixture.name.hasSuffix("axis1") ? 1 : -1
    let result = try softmax(x, axis: axis, temperature: fixture.double("temperature", default: 1))
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")), "\(result.scalars)")
  }

  @Test func publishedGoldenValues() throws {
    let x = Tensor([0.1, -0.2, 0.3, -0.2, 0.5])
    let p = try softmax(x)
    #expect(p.isApproximatelyEqual(to: Tensor([0.1925, 0.1426, 0.2351, 0.1426, 0.2872]), tolerance: 1e-4))
    let sharp = try softmax(try x * Tensor(8))
    #expect(sharp.isApproximatelyEqual(to: Tensor([0.0326, 0.0030, 0.1615, 0.0030, 0.8000]), tolerance: 1e-4))
  }

  @Test func temperatureDividesTheScores() throws {
    let x = Tensor([1, 2, 4])
    let divided = try softmax(x / Tensor(2))
    #expect(try softmax(x, temperature: 2).isApproximatelyEqual(to: divided))
  }

  @Test func rowsSumToOne() throws {
    let x = try randn([6, 9], seed: 5) * Tensor(10)
    let totals = try sum(softmax(x), axis: -1)
    let one = try ones([6])
    #expect(totals.isApproximatelyEqual(to: one, tolerance: 1e-12))
  }

  @Test func extremeInputsStayFinite() throws {
    let p = try softmax(Tensor([1000, 1001, 1002]))
    #expect(p.scalars.allSatisfy { $0.isFinite })
    #expect(try softmax(Tensor([-1000, -1001, -1002])).scalars.allSatisfy { $0.isFinite })
  }

  @Test func nanRowGivesNaN() throws {
    let p = try softmax(Tensor(rows: [[1, .nan, 2], [0, 0, 0]]))
    #expect(p.scalars[0..<3].allSatisfy { $0.isNaN })
    #expect(p.scalars[3..<6].allSatisfy { $0.isApproximatelyEqual(to: 1.0 / 3) })
  }

  @Test func scalarIsOne() throws {
    #expect(try softmax(Tensor(3)) == Tensor(1))
  }

  @Test func badTemperatureAndAxis() {
    #expect(throws: TensorError("softmax", "temperature must be a positive finite number, got 0.0")) {
      try softmax(Tensor([1, 2]), temperature: 0)
    }
    #expect(throws: TensorError("softmax", "axis 2 is out of range for rank 1")) {
      try softmax(Tensor([1, 2]), axis: 2)
    }
  }
}
