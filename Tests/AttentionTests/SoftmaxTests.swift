import Attention
import Foundation
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

  /// Softmax by its definition, one row at a time in Double with Foundation's
  /// exp: what the row kernel (every row in one call) must give.
  static func definition(_ x: [Double], columns: Int, temperature: Double) -> [Double] {
    stride(from: 0, to: x.count, by: columns).flatMap { start -> [Double] in
      let row = x[start..<start + columns]
      let largest = row.max() ?? 0
      if row.contains(where: \.isNaN) { return row.map { _ in .nan } }
      if largest == -.infinity { return row.map { _ in 0 } }
      let e = row.map { Foundation.exp(($0 - largest) / temperature) }
      let total = e.reduce(0, +)
      return e.map { $0 / total }
    }
  }

  /// Rows of every length around the vector widths (4 doubles, 16 lanes for
  /// float32), rows holding NaN, −inf or only −inf, and enough rows to be
  /// split among threads, special rows after ordinary ones too, and rows
  /// over a thousand long: float64 to a few units of the last place,
  /// float32 and bfloat16 to one unit of their own type, each in its own type.
  @Test(arguments: [1, 3, 4, 7, 8, 15, 16, 17, 33, 100, 1030])
  func rowKernelMatchesTheDefinition(columns: Int) throws {
    let rows = columns == 100 ? 700 : columns == 1030 ? 5 : 37
    var values = try randn([rows, columns], seed: UInt64(columns)).scalars.map { $0 * 4 }
    values[0] = .nan
    for index in columns..<2 * columns where index % 2 == 0 { values[index] = -.infinity }
    for index in 2 * columns..<3 * columns { values[index] = -.infinity }
    if rows > 33 {
      values[17 * columns + columns / 2] = .nan
      for index in 33 * columns..<34 * columns { values[index] = -.infinity }
    }
    let x = try Tensor(shape: [rows, columns], scalars: values)
    for dtype in [DType.float64, .float32, .bfloat16] {
      let typed = x.converted(to: dtype)
      let expected = Self.definition(Array(typed.scalars), columns: columns, temperature: 0.7)
      let result = try softmax(typed, temperature: 0.7)
      #expect(result.dtype == dtype && result.shape == [rows, columns])
      // float64: exp's argument is (x − max)·(1/T) rather than (x − max)/T; the
      // two differ by a unit of the argument (up to about 50 here), which
      // moves the weight by as many units.
      let unit = dtype == .float64 ? 64 * Double.ulpOfOne : dtype == .float32 ? 2 * Double(Float.ulpOfOne) : 0x1p-7
      for (got, want) in zip(result.scalars, expected) {
        if want.isNaN {
          #expect(got.isNaN)
        } else {
          #expect(abs(got - want) <= unit * max(want, 1e-30), "\(dtype) \(columns): \(got) vs \(want)")
        }
      }
    }
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
