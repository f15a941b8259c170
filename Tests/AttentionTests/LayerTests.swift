import Attention
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
