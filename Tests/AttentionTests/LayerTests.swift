import Attention
import Foundation
import Testing
import _TestSupport

@Suite struct LayerTests {
  @Test func layerNormMatchesNumPy() throws {
    let plain = Fixtures.one("layernorm.plain")
    #expect(try layerNorm(plain.tensor("x")).isApproximatelyEqual(to: plain.tensor("expected")))
    let affine = Fixtures.one("layernorm.affine")
    let result = try layerNorm(
      affine.tensor("x"), weight: affine.tensor("weight"), bias: affine.tensor("bias"),
      eps: affine.double("eps", default: 1e-5))
    #expect(result.isApproximatelyEqual(to: affine.tensor("expected")))
    let constant = Fixtures.one("layernorm.constant_row")
    #expect(try layerNorm(constant.tensor("x")).isApproximatelyEqual(to: constant.tensor("expected")))
  }

  @Test func layerNormErrors() throws {
    #expect(throws: TensorError("layernorm", "weight must have shape [3] to match [2, 3], got [2]")) {
      try layerNorm(zeros([2, 3]), weight: Tensor([1, 1]))
    }
  }

  @Test func linearMatchesNumPy() throws {
    let fixture = Fixtures.one("linear")
    let result = try linear(fixture.tensor("x"), fixture.tensor("w"), fixture.tensor("b"))
    #expect(result.isApproximatelyEqual(to: fixture.tensor("expected")))
    #expect(
      throws: TensorError("linear", "input's last axis must match the weight's rows: [3, 5] vs [4, 2]")
    ) { try linear(fixture.tensor("x"), zeros([4, 2])) }
  }

  @Test func positionalEncodingMatchesNumPy() throws {
    for (name, n, d) in [("posenc.6x8", 6, 8), ("posenc.5x7", 5, 7)] {
      let fixture = Fixtures.one(name)
      #expect(try positionalEncoding(n, d).isApproximatelyEqual(to: fixture.tensor("expected")))
    }
  }

  @Test func modernPositionsMatchNumPy() throws {
    for name in ["alibi.1", "alibi.4", "alibi.6", "alibi.12"] {
      let fixture = Fixtures.one(name)
      let heads = Int(fixture.double("heads", default: 0))
      #expect(Tensor(alibiSlopes(heads)).isApproximatelyEqual(to: fixture.tensor("slopes")), "\(name)")
      #expect(try alibiBias(5, heads: heads).isApproximatelyEqual(to: fixture.tensor("expected")), "\(name)")
    }
    for name in ["rope.8", "rope.offset"] {
      let fixture = Fixtures.one(name)
      let rotated = try rotaryEmbedding(
        fixture.tensor("x"), base: fixture.double("base", default: 0), offset: Int(fixture.double("offset", default: 0))
      )
      #expect(rotated.isApproximatelyEqual(to: fixture.tensor("expected")), "\(name)")
    }
    // Rotated queries and keys: the score depends on positions only through their distance.
    let q: Tensor = [[1, 2, 3, 4]]
    let k: Tensor = [[0.5, -1, 2, 1]]
    let near = try dot(rotaryEmbedding(q, offset: 3), rotaryEmbedding(k, offset: 1))
    let far = try dot(rotaryEmbedding(q, offset: 12), rotaryEmbedding(k, offset: 10))
    #expect(abs(near.scalars[0] - far.scalars[0]) < 1e-12)
    #expect(try slidingWindowMask(6, window: 3) == Fixtures.one("window.6x3").tensor("expected"))
    #expect(try slidingWindowMask(4, window: 9) == causalMask(4))
    let odd: Tensor = [[1, 2, 3]]
    #expect(throws: TensorError.self) { try rotaryEmbedding(odd) }
    #expect(throws: TensorError.self) { try slidingWindowMask(3, window: 0) }
  }

  /// Online softmax block by block gives attention's output, whatever the block size.
  @Test func flashAttentionEqualsAttention() throws {
    let q = try randn([7, 5], seed: 11)
    let k = try randn([13, 5], seed: 12)
    let v = try randn([13, 3], seed: 13)
    for causal in [false, true] {
      let plain = try attention(q, keys: k, values: v, scale: 0.4, causal: causal).output
      for block in [1, 2, 5, 13, 64] {
        var steps: [FlashStep] = []
        let flash = try flashAttention(
          q, keys: k, values: v, scale: 0.4, causal: causal, blockSize: block, observe: { steps.append($0) })
        #expect(flash.isApproximatelyEqual(to: plain, tolerance: 1e-12), "block \(block), causal \(causal)")
        #expect(steps.count == (13 + block - 1) / block)
      }
    }
    // The running sum ends at the softmax's denominator.
    let set: Tensor = [[1, 0], [0, 1], [1, 1]]
    var steps: [FlashStep] = []
    _ = try flashAttention([1, 0], keys: set, values: set, blockSize: 2, observe: { steps.append($0) })
    let expected: Double = 1 + Foundation.exp(-1.0) + 1
    #expect(abs((steps.last?.runningSum ?? 0) - expected) < 1e-12)
    #expect(steps.map(\.rescale) == [0, 1])
  }

  @Test func masksAndOneHot() throws {
    #expect(try causalMask(4) == Fixtures.one("causal.4").tensor("expected"))
    #expect(try causalMask(queries: 2, keys: 3).scalars == [1, 0, 0, 1, 1, 0])
    let fixture = Fixtures.one("onehot")
    #expect(try onehot(fixture.tensor("x"), 4) == fixture.tensor("expected"))
    #expect(throws: TensorError("onehot", "index 4.0 is not a whole number in 0..<4")) {
      try onehot(Tensor([4]), 4)
    }
  }

  @Test func creation() throws {
    #expect(try eye(2).scalars == [1, 0, 0, 1])
    #expect(try arange(3) == Tensor([0, 1, 2]))
    #expect(try ones([2]).scalars == [1, 1])
  }
}

@Suite struct RandomTests {
  @Test func splitMix64MatchesThePublishedSequence() {
    var generator = SplitMix64(seed: 1_234_567)
    let expected = Fixtures.one("random.splitmix64.1234567").strings("expected").compactMap(UInt64.init)
    #expect(expected.count == 5)
    #expect((0..<5).map { _ in generator.next() } == expected)
  }

  @Test func uniformAndNormalMatchTheReference() throws {
    #expect(try rand([2, 3], seed: 7).isApproximatelyEqual(to: Fixtures.one("random.rand.seed7").tensor("expected")))
    #expect(
      try randn([2, 4], seed: 0).isApproximatelyEqual(to: Fixtures.one("random.randn.seed0").tensor("expected")))
  }

  @Test func sameSeedSameTensor() throws {
    #expect(try randn([3, 3], seed: 42) == randn([3, 3], seed: 42))
    #expect(try randn([3, 3], seed: 42) != randn([3, 3], seed: 43))
  }

  @Test func sampleMatchesTheReference() throws {
    let fixture = Fixtures.one("sample.seed11")
    let draws = try sample(fixture.tensor("p"), n: fixture.int("n"), seed: 11)
    #expect(draws == fixture.tensor("expected"))
    #expect(!draws.scalars.contains(2), "a class with probability 0 is never drawn")
  }

  @Test func sampleErrors() {
    #expect(throws: TensorError("sample", "probabilities must be finite and non-negative in [2]")) {
      try sample(Tensor([0.5, -0.5]))
    }
    #expect(throws: TensorError("sample", "probabilities of row 0 sum to zero in [2]")) {
      try sample(Tensor([0, 0]))
    }
  }
}
