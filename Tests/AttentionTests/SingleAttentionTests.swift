import Attention
import Testing

/// float32 multi-head attention runs on its own kernel (`SingleAttention.c`);
/// the float64 path, checked against PyTorch elsewhere, is its reference.
@Suite struct SingleAttentionTests {
  /// Output and gradients of a loss through `multiHeadAttentionOutput` for
  /// weights and input of `dtype`.
  func run(_ dtype: DType, batched: Bool, causal: Bool, kvHeads: Int, n: Int = 10) throws -> [Tensor] {
    let x = try randn(batched ? [3, n, 16] : [n, 16], seed: 1).converted(to: dtype)
    let width = 16 / 4 * kvHeads
    let w = try [
      randn([16, 16], seed: 2), randn([16, width], seed: 3), randn([16, width], seed: 4), randn([16, 12], seed: 5),
    ].map { $0.converted(to: dtype) }
    let (value, gradients) = try valueWithGradient(at: [x] + w) { p in
      let weights = MultiHeadWeights(wq: p[1], wk: p[2], wv: p[3], wo: p[4])
      let output = try multiHeadAttentionOutput(
        p[0], p[0], heads: 4, kvHeads: kvHeads, weights: weights, causal: causal)
      return try sum(output * output)
    }
    let output = try multiHeadAttentionOutput(
      x, x, heads: 4, kvHeads: kvHeads, weights: MultiHeadWeights(wq: w[0], wk: w[1], wv: w[2], wo: w[3]),
      causal: causal)
    return [output, value] + gradients
  }

  /// Short and long sequences: 10 queries are one block; 300 are five blocks
  /// of queries and two of keys (the online softmax across key blocks).
  @Test(arguments: [
    (false, false, 4, 10), (true, true, 4, 10), (true, false, 2, 10), (false, true, 1, 10), (false, true, 4, 300),
    (false, false, 2, 300),
  ])
  func float32AgreesWithFloat64(batched: Bool, causal: Bool, kvHeads: Int, n: Int) throws {
    let single = try run(.float32, batched: batched, causal: causal, kvHeads: kvHeads, n: n)
    let double = try run(.float64, batched: batched, causal: causal, kvHeads: kvHeads, n: n)
    #expect(single[0].dtype == .float32 && single[2...].allSatisfy { $0.dtype == .float32 })
    for (s, d) in zip(single, double) {
      #expect(s.shape == d.shape)
      let scale = max(d.scalars.map(\.magnitude).max() ?? 1, 1)
      for (a, e) in zip(s.scalars, d.scalars) {
        #expect(abs(a - e) <= 64 * Double(Float.ulpOfOne) * scale, "\(a) vs \(e)")
      }
    }
  }

  /// A score that overflows float32 takes the general path and its conventions.
  @Test func overflowingScoresTakeTheGeneralPath() throws {
    let x = try (randn([4, 8], seed: 6) * Tensor(1e30)).converted(to: .float32)
    let eye = try Tensor(shape: [8, 8], scalars: (0..<64).map { $0 % 9 == 0 ? 1 : 0 }).converted(to: .float32)
    let weights = MultiHeadWeights(wq: eye, wk: eye, wv: eye, wo: eye)
    let single = try multiHeadAttentionOutput(x, x, heads: 2, weights: weights, causal: true)
    let double = try multiHeadAttentionOutput(
      x.converted(to: .float64), x.converted(to: .float64), heads: 2,
      weights: MultiHeadWeights(
        wq: eye.converted(to: .float64), wk: eye.converted(to: .float64), wv: eye.converted(to: .float64),
        wo: eye.converted(to: .float64)), causal: true)
    #expect(single.shape == double.shape)
    for (a, e) in zip(single.scalars, double.scalars) {
      #expect(a == e || (a.isNaN && e.isNaN) || abs(a - e) <= 1e-6 * abs(e))
    }
  }
}
