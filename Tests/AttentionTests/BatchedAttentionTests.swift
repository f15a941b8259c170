import Testing
import _TestSupport

@testable import Attention

/// A leading batch axis: each element is the unbatched problem (the values
/// here; the gradients against PyTorch are in GradientLanguageTests'
/// training fixtures), masks and biases shared or per element, and every
/// shape that does not fit refused with both shapes named.
@Suite struct BatchedAttentionTests {
  let batch = 3, n = 5, m = 4, d = 6

  @Test func attentionIsEachElementsAttention() throws {
    let q = try randn([batch, n, d], seed: 1)
    let k = try randn([batch, m, d], seed: 2)
    let v = try randn([batch, m, 2], seed: 3)
    let perElementMask = try Tensor(shape: [batch, n, m], scalars: (0..<batch * n * m).map { $0 % 3 == 0 ? 0 : 1 })
    for mask in [nil, try Tensor(rows: [[1, 0, 1, 1]]), perElementMask] {
      let batched = try attention(q, keys: k, values: v, scale: 0.7, mask: mask, causal: mask == nil)
      #expect(batched.weights.shape == [batch, n, m] && batched.output.shape == [batch, n, 2])
      for b in 0..<batch {
        let elementMask = mask?.rank == 3 ? try mask?.subscripted([.at(b)]) : mask
        let single = try attention(
          try q.subscripted([.at(b)]), keys: try k.subscripted([.at(b)]), values: try v.subscripted([.at(b)]),
          scale: 0.7, mask: elementMask, causal: mask == nil)
        #expect(try batched.weights.subscripted([.at(b)]).isApproximatelyEqual(to: single.weights, tolerance: 1e-14))
        #expect(try batched.output.subscripted([.at(b)]).isApproximatelyEqual(to: single.output, tolerance: 1e-14))
      }
    }
  }

  @Test func selfAndMultiHeadAttentionAreEachElements() throws {
    let x = try randn([batch, n, d], seed: 4)
    let weights = try MultiHeadWeights.xavier(dModel: d, seed: 9)
    let projections = (
      wq: try randn([d, 4], seed: 5), wk: try randn([d, 4], seed: 6), wv: try randn([d, 3], seed: 7)
    )
    let batchedSelf = try selfAttention(x, wq: projections.wq, wk: projections.wk, wv: projections.wv, causal: true)
    let batchedHeads = try multiHeadAttention(x, x, heads: 3, weights: weights, causal: true)
    let outputOnly = try multiHeadAttentionOutput(x, x, heads: 3, weights: weights, causal: true)
    #expect(batchedHeads.weights.shape == [batch, 3, n, n] && batchedHeads.output.shape == [batch, n, d])
    #expect(outputOnly.isApproximatelyEqual(to: batchedHeads.output, tolerance: 1e-12), "the fused path agrees")
    for b in 0..<batch {
      let element = try x.subscripted([.at(b)])
      let single = try selfAttention(
        element, wq: projections.wq, wk: projections.wk, wv: projections.wv, causal: true)
      #expect(try batchedSelf.output.subscripted([.at(b)]).isApproximatelyEqual(to: single.output, tolerance: 1e-13))
      let heads = try multiHeadAttention(element, element, heads: 3, weights: weights, causal: true)
      #expect(try batchedHeads.weights.subscripted([.at(b)]).isApproximatelyEqual(to: heads.weights, tolerance: 1e-13))
      #expect(try batchedHeads.output.subscripted([.at(b)]).isApproximatelyEqual(to: heads.output, tolerance: 1e-13))
    }
  }

  @Test func crossEntropyOverABatchIsTheFlattenedMean() throws {
    let logits = try randn([2, 3, 5], seed: 8)
    let targets = try Tensor(shape: [2, 3], scalars: [0, 4, 2, 1, 1, 3])
    let flat = try crossEntropy(try logits.reshaped([6, 5]), try targets.reshaped([6]))
    #expect(try crossEntropy(logits, targets).isApproximatelyEqual(to: flat, tolerance: 1e-15))
    #expect(throws: TensorError.self) { try crossEntropy(logits, try targets.reshaped([6])) }
  }

  /// An empty batch gives empty results of the right shapes; the widths are
  /// still checked, and a huge axis of an empty batch costs nothing.
  @Test func emptyBatches() throws {
    let empty = try attention(
      Tensor(shape: [0, 7, 4], scalars: []), keys: Tensor(shape: [0, 9, 4], scalars: []),
      values: Tensor(shape: [0, 9, 2], scalars: []))
    #expect(empty.weights.shape == [0, 7, 9] && empty.output.shape == [0, 7, 2])
    let x = try Tensor(shape: [0, 3, 6], scalars: [])
    let heads = try multiHeadAttention(x, x, heads: 2, weights: try MultiHeadWeights.xavier(dModel: 6, seed: 1))
    #expect(heads.output.shape == [0, 3, 6] && heads.weights.shape == [0, 2, 3, 3])
    #expect(throws: TensorError.self) {
      try attention(
        Tensor(shape: [0, 7, 4], scalars: []), keys: Tensor(shape: [0, 9, 3], scalars: []),
        values: Tensor(shape: [0, 9, 2], scalars: []))
    }
  }

  @Test func mistakesNameTheShapes() throws {
    func message(_ body: () throws -> Any) -> String {
      do {
        _ = try body()
        return "no error"
      } catch { return "\(error)" }
    }
    let q = try randn([2, 3, 4], seed: 1)
    let k = try randn([3, 5, 4], seed: 2)
    #expect(
      message { try attention(q, keys: k, values: k) }
        .contains("a batch needs every input as [B, n, d] with the same B (K differs): Q [2, 3, 4], K [3, 5, 4]"))
    #expect(
      message { try attention(q, keys: q, values: q, mask: try Tensor(repeating: 1, shape: [3, 3, 3])) }
        .contains("mask [3, 3, 3] must have 2 axes, or 3 with a batch of 2 first"))
    #expect(
      message { try attention(try randn([4], seed: 1), keys: q, values: q) }.contains("(Q differs)"),
      "a single query is not a batch")
    let weights = try MultiHeadWeights.xavier(dModel: 4, seed: 1)
    #expect(
      message { try multiHeadAttention(q, try randn([2, 3, 4, 1], seed: 3), heads: 2, weights: weights) }
        .contains("key/value differs"))
    #expect(
      message {
        try multiHeadAttention(q, q, heads: 2, weights: weights, bias: try Tensor(repeating: 0, shape: [3, 2, 3, 3]))
      }
      .contains("bias [3, 2, 3, 3] must have 3 axes, or 4 with a batch of 2 first"))
    #expect(message { try selfAttention(try randn([2, 2, 3, 4], seed: 1)) }.contains("or a batch [B, n, d]"))
    // A scalar or vector beside a batch is refused, not read past its end.
    #expect(message { try attention(Tensor(5), keys: q, values: q) }.contains("(Q differs): Q [], K [2, 3, 4]"))
    #expect(
      message { try multiHeadAttention(Tensor([1, 2, 3, 4]), q, heads: 2, weights: weights) }.contains(
        "(query differs)"))
    #expect(
      message { try multiHeadAttention(q, Tensor(1), heads: 2, weights: weights) }.contains("(key/value differs)"))
  }
}
