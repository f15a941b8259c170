import Attention
import Testing
import _TestSupport

/// `multiHeadAttentionOutput` (tiles of queries and keys with an online
/// softmax, no weights held) against NumPy, and against the plain path on
/// shapes that cut through its blocks in every way.
@Suite struct FusedAttentionTests {
  @Test(arguments: Fixtures.named("multihead.") + Fixtures.named("multihead_output."))
  func matchesNumPy(_ fixture: Fixture) throws {
    let weights = MultiHeadWeights(
      wq: fixture.tensor("wq"), wk: fixture.tensor("wk"), wv: fixture.tensor("wv"), wo: fixture.tensor("wo"))
    let output = try multiHeadAttentionOutput(
      fixture.tensor("xq"), fixture.tensor("xkv"), heads: fixture.int("heads"), weights: weights,
      mask: fixture.optionalTensor("mask"), causal: fixture.bool("causal"))
    #expect(output.isApproximatelyEqual(to: fixture.tensor("output"), tolerance: 1e-12))
  }

  struct Shape: CustomTestStringConvertible, Sendable {
    var n: Int
    var m: Int
    var d: Int
    var heads: Int
    var kvHeads: Int
    var causal: Bool
    var masked: Bool
    var testDescription: String {
      "n=\(n) m=\(m) d=\(d) h=\(heads)/\(kvHeads)\(causal ? " causal" : "")\(masked ? " masked" : "")"
    }
  }

  static let shapes: [Shape] = [
    Shape(n: 1, m: 1, d: 4, heads: 1, kvHeads: 1, causal: false, masked: false),
    Shape(n: 7, m: 5, d: 6, heads: 3, kvHeads: 3, causal: false, masked: true),
    Shape(n: 73, m: 73, d: 16, heads: 4, kvHeads: 4, causal: true, masked: false),
    Shape(n: 145, m: 600, d: 24, heads: 2, kvHeads: 2, causal: false, masked: true),
    Shape(n: 300, m: 300, d: 32, heads: 4, kvHeads: 2, causal: true, masked: false),
    Shape(n: 520, m: 520, d: 64, heads: 8, kvHeads: 1, causal: true, masked: true),
    Shape(n: 20, m: 257, d: 40, heads: 5, kvHeads: 5, causal: false, masked: false),
  ]

  @Test(arguments: shapes)
  func equalsThePlainPath(_ shape: Shape) throws {
    let x = try randn([shape.n, shape.d], seed: 1)
    let y = shape.n == shape.m ? x : try randn([shape.m, shape.d], seed: 2)
    let kvWidth = shape.kvHeads * shape.d / shape.heads
    var generator = SplitMix64(seed: 3)
    let weights = MultiHeadWeights(
      wq: try xavierUniform(fanIn: shape.d, fanOut: shape.d, using: &generator),
      wk: try xavierUniform(fanIn: shape.d, fanOut: kvWidth, using: &generator),
      wv: try xavierUniform(fanIn: shape.d, fanOut: kvWidth, using: &generator),
      wo: try xavierUniform(fanIn: shape.d, fanOut: shape.d, using: &generator),
      bq: try randn([shape.d], seed: 4), bo: try randn([shape.d], seed: 5))
    // Random blocked positions, and whole rows blocked (their output is 0, as on the plain path).
    var mask: Tensor? = nil
    if shape.masked {
      let keep = try rand([shape.n, shape.m], seed: 6).scalars.enumerated().map { index, value in
        index / shape.m % 5 == 4 ? 0.0 : (value < 0.25 ? 0 : 1)
      }
      mask = try Tensor(shape: [shape.n, shape.m], scalars: keep)
    }
    let fused = try multiHeadAttentionOutput(
      x, y, heads: shape.heads, kvHeads: shape.kvHeads, weights: weights, mask: mask, causal: shape.causal)
    let plain = try multiHeadAttention(
      x, y, heads: shape.heads, kvHeads: shape.kvHeads, weights: weights, mask: mask, causal: shape.causal)
    #expect(fused.isApproximatelyEqual(to: plain.output, tolerance: 1e-12))
  }

  /// Scores that overflow take the plain path, which has the conventions for them.
  @Test func overflowingScoresFallBackToThePlainPath() throws {
    let x = try Tensor(shape: [2, 2], scalars: [1e200, 1e200, 1, 2])
    let weights = MultiHeadWeights(wq: try eye(2), wk: try eye(2), wv: try eye(2), wo: try eye(2))
    let fused = try multiHeadAttentionOutput(x, x, heads: 1, weights: weights)
    let plain = try multiHeadAttention(x, x, heads: 1, weights: weights).output
    #expect(fused.isApproximatelyEqual(to: plain))
  }

  /// Shapes that do not fit are reported as by multiHeadAttention.
  @Test func reportsShapesAsThePlainPath() throws {
    let x = try zeros([3, 6])
    let weights = try MultiHeadWeights.xavier(dModel: 6, seed: 1)
    #expect(throws: TensorError("multihead", "4 heads do not divide the model width: Q [3, 6], K [3, 6], V [3, 6]")) {
      try multiHeadAttentionOutput(x, x, heads: 4, weights: weights)
    }
  }
}
