import Attention
import Testing
import _TestSupport

@Suite struct ShapingTests {
  @Test func transposeMatchesNumPy() throws {
    for name in ["transpose.matrix", "transpose.rank3"] {
      let fixture = Fixtures.one(name)
      #expect(try transpose(fixture.tensor("x")).isApproximatelyEqual(to: fixture.tensor("expected")))
    }
    let fixture = Fixtures.one("transpose.rank3_axes")
    #expect(
      try transpose(fixture.tensor("x"), axes: [0, 2, 1]).isApproximatelyEqual(to: fixture.tensor("expected")))
  }

  @Test func reshapeKeepsOrder() throws {
    let fixture = Fixtures.one("reshape")
    #expect(try fixture.tensor("x").reshaped([4, 6]) == fixture.tensor("expected"))
    #expect(try fixture.tensor("x").reshaped([4, -1]) == fixture.tensor("expected"))
    #expect(throws: TensorError("reshape", "cannot reshape [2, 3, 4] (24 elements) into [5, 5] (25 elements)")) {
      try fixture.tensor("x").reshaped([5, 5])
    }
  }

  @Test func concatAndStackMatchNumPy() throws {
    let first = Fixtures.one("concat.axis0")
    #expect(try concat([first.tensor("a"), first.tensor("b")], axis: 0) == first.tensor("expected"))
    let second = Fixtures.one("concat.axis1")
    #expect(try concat([second.tensor("a"), second.tensor("b")], axis: 1) == second.tensor("expected"))
    for (name, axis) in [("stack.axis0", 0), ("stack.axis2", 2)] {
      let fixture = Fixtures.one(name)
      #expect(try stack([fixture.tensor("a"), fixture.tensor("b")], axis: axis) == fixture.tensor("expected"))
    }
  }

  @Test func concatErrors() throws {
    let a = try zeros([2, 3])
    let b = try zeros([2, 2])
    #expect(throws: TensorError("concat", "sizes off axis 0 differ: [2, 3] vs [2, 2]")) {
      try concat([a, b], axis: 0)
    }
    #expect(throws: TensorError("stack", "shapes differ: [2, 3] vs [2, 2]")) { try stack([a, b]) }
  }

  @Test func indexingMatchesNumPy() throws {
    let cases: [(String, [TensorIndex])] = [
      ("index.row", [.at(1)]),
      ("index.column", [.all, .at(0)]),
      ("index.slice", [.at(0), .slice(start: 1, end: 3, step: 1)]),
      ("index.negative", [.at(-1), .at(-1)]),
      ("index.step", [.all, .slice(start: nil, end: nil, step: -1), .slice(start: 1, end: nil, step: 2)]),
      ("index.clamped", [.at(0), .slice(start: -10, end: 10, step: 1), .slice(start: 2, end: nil, step: 1)]),
    ]
    for (name, indices) in cases {
      let fixture = Fixtures.one(name)
      #expect(try fixture.tensor("x").subscripted(indices) == fixture.tensor("expected"), "\(name)")
    }
  }

  @Test func indexErrorsNameTheAxis() throws {
    let x = try zeros([2, 3])
    #expect(throws: TensorError("index", "index 3 is out of range for axis 1 with size 3 in [2, 3]")) {
      try x.subscripted([.at(0), .at(3)])
    }
    #expect(throws: TensorError("index", "too many indices (3) for tensor of shape [2, 3]")) {
      try x.subscripted([.at(0), .at(0), .at(0)])
    }
  }

  @Test func tensorValidation() {
    #expect(throws: TensorError("tensor", "negative size -1 in shape [2, -1]")) { try zeros([2, -1]) }
    #expect(throws: TensorError("tensor", "rank 5 of [1, 1, 1, 1, 1] exceeds the maximum rank 4")) {
      try zeros([1, 1, 1, 1, 1])
    }
    #expect(throws: TensorError("tensor", "shape [2, 2] needs 4 scalars, got 3")) {
      try Tensor(shape: [2, 2], scalars: [1, 2, 3])
    }
    #expect(throws: TensorError("tensor", "ragged rows: row 0 has 2 values, row 1 has 1")) {
      try Tensor(rows: [[1, 2], [3]])
    }
  }
}
