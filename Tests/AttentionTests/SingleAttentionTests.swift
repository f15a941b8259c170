import Attention
import Testing

/// float32 multi-head attention runs on its own kernel (`SingleAttention.c`);
/// the float64 path, checked against PyTorch elsewhere, is its reference.
@Suite struct SingleAttentionTests {
  /// Output and gradients of a loss through `multiHeadAttentionOutput` for
  /// weights and input of `dtype`.
  func run(
    _ dtype: DType, batched: Bool, causal: Bool, kvHeads: Int, n: Int = 10, d: Int = 16, heads: Int = 4
  ) throws -> [Tensor] {
    let x = try (randn(batched ? [3, n, d] : [n, d], seed: 1) * Tensor(4 / Double(d).squareRoot()))
      .converted(to: dtype)
    let width = d / heads * kvHeads
    let w = try [
      randn([d, d], seed: 2), randn([d, width], seed: 3), randn([d, width], seed: 4), randn([d, 12], seed: 5),
    ].map { $0.converted(to: dtype) }
    let (value, gradients) = try valueWithGradient(at: [x] + w) { p in
      let weights = MultiHeadWeights(wq: p[1], wk: p[2], wv: p[3], wo: p[4])
      let output = try multiHeadAttentionOutput(
        p[0], p[0], heads: heads, kvHeads: kvHeads, weights: weights, causal: causal)
      return try sum(output * output)
    }
    let output = try multiHeadAttentionOutput(
      x, x, heads: heads, kvHeads: kvHeads, weights: MultiHeadWeights(wq: w[0], wk: w[1], wv: w[2], wo: w[3]),
      causal: causal)
    return [output, value] + gradients
  }

  /// The float32 results are float32 (all but the loss, index 1) and within
  /// 64 float32 units of the float64 ones, relative to the largest of each.
  static func expectAgreement(_ single: [Tensor], _ double: [Tensor]) {
    #expect(single[0].dtype == .float32 && single[2...].allSatisfy { $0.dtype == .float32 })
    for (s, d) in zip(single, double) {
      #expect(s.shape == d.shape)
      let scale = max(d.scalars.map(\.magnitude).max() ?? 1, 1)
      for (a, e) in zip(s.scalars, d.scalars) {
        #expect(abs(a - e) <= 64 * Double(Float.ulpOfOne) * scale, "\(a) vs \(e)")
      }
    }
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
    Self.expectAgreement(single, double)
  }

  /// Heads 36 wide (two panels of 16 columns and a rest of 4) over 300
  /// keys (a partial panel): the kernel's vector blocks and their tails.
  @Test(arguments: [(false, 1), (true, 2)])
  func wideHeadsAgreeWithFloat64(causal: Bool, kvHeads: Int) throws {
    let single = try run(.float32, batched: false, causal: causal, kvHeads: kvHeads, n: 300, d: 72, heads: 2)
    let double = try run(.float64, batched: false, causal: causal, kvHeads: kvHeads, n: 300, d: 72, heads: 2)
    Self.expectAgreement(single, double)
  }

  /// A score that overflows float32 leaves the fused kernel for the general
  /// path, which computes in float32 too — as PyTorch's float32 attention,
  /// an overflowing row is NaN (float64 would keep it finite). Expected: the
  /// steps written out here with float32 tensors (products, the causal −inf,
  /// softmax), not the attention code.
  @Test func overflowingScoresOverflowAsInFloat32() throws {
    let x = try (randn([4, 8], seed: 6) * Tensor(1e30)).converted(to: .float32)
    let eye = try Tensor(shape: [8, 8], scalars: (0..<64).map { $0 % 9 == 0 ? 1 : 0 }).converted(to: .float32)
    let weights = MultiHeadWeights(wq: eye, wk: eye, wv: eye, wo: eye)
    let single = try multiHeadAttentionOutput(x, x, heads: 2, weights: weights, causal: true)
    #expect(single.dtype == .float32)
    let q = try matmul(x, eye)
    let heads = try (0..<2).map { head -> Tensor in
      let part = try q.subscripted([.all, .slice(start: head * 4, end: head * 4 + 4, step: 1)])
      var scores = try (matmul(part, transpose(part)) * Tensor(0.5)).scalars
      for i in 0..<4 { for j in i + 1..<4 { scores[i * 4 + j] = -.infinity } }
      return try matmul(softmax(Tensor(shape: [4, 4], scalars: scores, dtype: .float32)), part)
    }
    let expected = try matmul(concat(heads, axis: 1), eye)
    #expect(expected.dtype == .float32 && expected.scalars.contains(where: \.isNaN), "some rows overflow")
    for (a, e) in zip(single.scalars, expected.scalars) {
      #expect(a == e || (a.isNaN && e.isNaN), "\(a) vs \(e)")
    }
  }
}
