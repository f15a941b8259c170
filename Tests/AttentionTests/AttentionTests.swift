import Attention
import Testing
import _TestSupport

@Suite struct AttentionTests {
  @Test(arguments: Fixtures.named("attention."))
  func matchesNumPy(_ fixture: Fixture) throws {
    let result = try attention(
      fixture.tensor("q"), keys: fixture.tensor("keys"), values: fixture.tensor("values"),
      scale: fixture.double("scale", default: 1), mask: fixture.optionalTensor("mask"),
      causal: fixture.bool("causal"), hard: fixture.bool("hard"))
    #expect(result.scores.isApproximatelyEqual(to: fixture.tensor("scores")))
    #expect(result.weights.isApproximatelyEqual(to: fixture.tensor("weights")))
    #expect(result.output.isApproximatelyEqual(to: fixture.tensor("output")))
  }

  /// A mask means one thing: 1 attends, 0 blocks; anything else is refused
  /// (PyTorch's additive masks would otherwise be read inverted).
  @Test func masksHoldOnlyZeroAndOne() throws {
    let keys = try Tensor(rows: [[1, 0], [0, 1], [1, 1]])
    let additive = Tensor([0, -.infinity, 0])
    #expect(throws: TensorError.self) { try attention(Tensor([1, 0]), keys: keys, values: keys, mask: additive) }
    do {
      _ = try attention(Tensor([1, 0]), keys: keys, values: keys, mask: additive)
    } catch let error as TensorError {
      #expect(error.description.contains("but mask[1] is -inf"), "\(error)")
      #expect(error.description.contains("convert it with mask: m == 0"))
    }
    for bad in [Tensor([0.5, 1, 1]), Tensor([1, 2, 1]), Tensor([.nan, 1, 1]), Tensor([1, -1, 1])] {
      #expect(throws: TensorError.self) { try attention(Tensor([1, 0]), keys: keys, values: keys, mask: bad) }
      #expect(throws: TensorError.self) { try selfAttention(keys, mask: try bad.reshaped([1, 3])) }
      #expect(throws: TensorError.self) {
        try multiHeadAttention(
          keys, keys, heads: 1, weights: MultiHeadWeights.xavier(dModel: 2, seed: 1),
          mask: try bad.reshaped([1, 3]))
      }
    }
    // Converted as the message says, the additive mask blocks what it meant to.
    let converted = try elementwise(additive, .equal, Tensor(0))
    let weights = try attention(Tensor([1, 0]), keys: keys, values: keys, mask: converted).weights
    #expect(weights.scalars[1] == 0)
    #expect(abs(weights.scalars[0] - weights.scalars[2]) < 1e-15)
    do {
      try checkMask(Tensor(shape: [2, 2], scalars: [1, 0, 1, 3]), operation: "attention")
      Issue.record("3 is not a mask value")
    } catch let error as TensorError {
      #expect(error.description.contains("mask[1, 1] is 3"), "\(error)")
      #expect(!error.description.contains("additive"))
    }
  }

  @Test func weightRowsSumToOne() throws {
    let result = try attention(randn([4, 3], seed: 1), keys: randn([6, 3], seed: 2), values: randn([6, 2], seed: 3))
    let totals = try sum(result.weights, axis: 1)
    #expect(totals.isApproximatelyEqual(to: try ones([4])))
  }

  @Test func causalWeightsAreZeroAboveTheDiagonal() throws {
    let x = try randn([5, 4], seed: 9)
    let result = try selfAttention(x, causal: true)
    for i in 0..<5 {
      for j in (i + 1)..<5 { #expect(result.weights.scalars[i * 5 + j] == 0) }
    }
  }

  @Test func fullyBlockedRowGivesZeros() throws {
    let result = try attention(
      Tensor([1, 0]), keys: Tensor(rows: [[1, 0], [0, 1]]), values: Tensor(rows: [[1, 2], [3, 4]]),
      mask: Tensor([0, 0]))
    #expect(result.weights == Tensor([0, 0]))
    #expect(result.output == Tensor([0, 0]))
    #expect(result.scores == Tensor([-.infinity, -.infinity]))
  }

  @Test func shapeErrorsNameTheShapes() throws {
    let keys = try zeros([5, 4])
    #expect(
      throws: TensorError("attention", "queries and keys differ in their last axis: Q [3], K [5, 4], V [5, 4]")
    ) { try attention(Tensor([1, 2, 3]), keys: keys, values: keys) }
    #expect(
      throws: TensorError("attention", "values must have one row per key: Q [4], K [5, 4], V [4, 4]")
    ) { try attention(Tensor([1, 2, 3, 4]), keys: keys, values: zeros([4, 4])) }
    #expect(throws: TensorError("attention", "mask [3] must broadcast to the scores [5]")) {
      try attention(Tensor([1, 2, 3, 4]), keys: keys, values: keys, mask: Tensor([1, 0, 1]))
    }
  }
}

@Suite struct SelfAttentionTests {
  @Test func projectedMatchesNumPy() throws {
    let fixture = Fixtures.one("selfattention.projected")
    let result = try selfAttention(
      fixture.tensor("x"), wq: fixture.tensor("wq"), wk: fixture.tensor("wk"), wv: fixture.tensor("wv"))
    #expect(result.scores.isApproximatelyEqual(to: fixture.tensor("scores")))
    #expect(result.weights.isApproximatelyEqual(to: fixture.tensor("weights")))
    #expect(result.output.isApproximatelyEqual(to: fixture.tensor("output")))
  }

  @Test func identityCausalMatchesNumPy() throws {
    let fixture = Fixtures.one("selfattention.identity_causal")
    let result = try selfAttention(fixture.tensor("x"), causal: true)
    #expect(result.weights.isApproximatelyEqual(to: fixture.tensor("weights")))
    #expect(result.output.isApproximatelyEqual(to: fixture.tensor("output")))
  }

  /// Without masks, permuting the tokens permutes the outputs the same way:
  /// self-attention alone does not know about order.
  @Test func isPermutationEquivariant() throws {
    let x = try randn([5, 4], seed: 4)
    let wq = try randn([4, 4], seed: 5)
    let wv = try randn([4, 3], seed: 6)
    let permutation = [3, 0, 4, 1, 2]
    let permuted = try stack(permutation.map { try x.subscripted([.at($0)]) })
    let original = try selfAttention(x, wq: wq, wk: wq, wv: wv).output
    let shuffled = try selfAttention(permuted, wq: wq, wk: wq, wv: wv).output
    let expected = try stack(permutation.map { try original.subscripted([.at($0)]) })
    #expect(shuffled.isApproximatelyEqual(to: expected))
  }

  @Test func projectionErrors() throws {
    let x = try zeros([3, 4])
    #expect(throws: TensorError("selfattention", "wq must be [4, k] to project [3, 4], got [3, 3]")) {
      try selfAttention(x, wq: zeros([3, 3]))
    }
  }
}

@Suite struct MultiHeadAttentionTests {
  /// One head is still `[heads, n, m]` weights, whichever schedule runs:
  /// plain attention of the projections with scale 1/√d, under a gradient too.
  @Test func oneHeadKeepsTheHeadsAxis() throws {
    let x = try randn([3, 4], seed: 1)
    let w = try MultiHeadWeights.xavier(dModel: 4, seed: 2)
    let plain = try attention(
      try matmul(x, w.wq), keys: try matmul(x, w.wk), values: try matmul(x, w.wv), scale: 0.5)
    for bias in [nil, try zeros([3, 3])] {
      let result = try multiHeadAttention(x, x, heads: 1, weights: w, bias: bias)
      #expect(result.weights.shape == [1, 3, 3])
      #expect(result.weights.isApproximatelyEqual(to: try plain.weights.reshaped([1, 3, 3]), tolerance: 1e-12))
      _ = try valueWithGradient(at: [x]) { p in
        let traced = try multiHeadAttention(p[0], p[0], heads: 1, weights: w, bias: bias)
        #expect(traced.weights.shape == [1, 3, 3])
        return try sum(traced.weights)
      }
    }
  }

  @Test(arguments: Fixtures.named("multihead."))
  func matchesNumPy(_ fixture: Fixture) throws {
    let weights = MultiHeadWeights(
      wq: fixture.tensor("wq"), wk: fixture.tensor("wk"), wv: fixture.tensor("wv"), wo: fixture.tensor("wo"))
    let result = try multiHeadAttention(
      fixture.tensor("xq"), fixture.tensor("xkv"), heads: fixture.int("heads"), weights: weights,
      causal: fixture.bool("causal"))
    #expect(result.output.isApproximatelyEqual(to: fixture.tensor("output")))
    #expect(result.weights.isApproximatelyEqual(to: fixture.tensor("weights")))
  }

  @Test func xavierWeightsMatchTheDocumentedStream() throws {
    let fixture = Fixtures.one("random.xavier.seed3")
    let weights = try MultiHeadWeights.xavier(dModel: 4, seed: 3)
    #expect(weights.wq.isApproximatelyEqual(to: fixture.tensor("wq")))
    #expect(weights.wk.isApproximatelyEqual(to: fixture.tensor("wk")))
    #expect(weights.wv.isApproximatelyEqual(to: fixture.tensor("wv")))
    #expect(weights.wo.isApproximatelyEqual(to: fixture.tensor("wo")))
  }

  @Test func headsMustDivideTheWidth() throws {
    let x = try zeros([3, 6])
    let weights = try MultiHeadWeights.xavier(dModel: 6, seed: 0)
    #expect(throws: TensorError("multihead", "4 heads do not divide the model width: Q [3, 6], K [3, 6], V [3, 6]")) {
      try multiHeadAttention(x, x, heads: 4, weights: weights)
    }
  }

  @Test func oneHeadIsSelfAttention() throws {
    let x = try randn([4, 4], seed: 1)
    let weights = try MultiHeadWeights.xavier(dModel: 4, seed: 2)
    let multi = try multiHeadAttention(x, x, heads: 1, weights: weights)
    let single = try selfAttention(x, wq: weights.wq, wk: weights.wk, wv: weights.wv)
    #expect(multi.output.isApproximatelyEqual(to: try matmul(single.output, weights.wo)))
  }
}
