import Attention
import Foundation
import Testing

/// Element types in the library: storage, conversions (bit for bit),
/// PyTorch's promotion, and what keeps or changes a tensor's type.
@Suite struct DTypeTests {
  @Test func storageTakesTheTypesBytes() throws {
    let x = try randn([3, 4], seed: 1)
    #expect(x.dtype == .float64 && x.byteCount == 96)
    #expect(x.converted(to: .float32).byteCount == 48)
    #expect(x.converted(to: .bfloat16).byteCount == 24)
    #expect(x.converted(to: .float32).converted(to: .float32) == x.converted(to: .float32))
  }

  @Test func bfloat16RoundsToNearestEvenLikeTheCConversion() throws {
    // Halfway cases go to the even mantissa; overflow goes to infinity; NaN stays NaN.
    let values: [Double] = [
      1 + 0x1p-8, 1 + 3 * 0x1p-8, -(1 + 0x1p-8), 3.3895313892515355e38, 3.4e38, .infinity, -.infinity, 0, -0.0,
      1e-40, 0.1,
    ]
    let rounded = try Tensor(shape: [values.count], scalars: values, dtype: .bfloat16).scalars
    #expect(rounded[0] == 1 && rounded[1] == 1 + 0x1p-6 && rounded[2] == -1)
    #expect(rounded[3] == 3.3895313892515355e38, "bfloat16's largest finite value stays")
    #expect(rounded[4] == .infinity && rounded[5] == .infinity && rounded[6] == -.infinity)
    // The Swift rounding (used when saving) agrees with the C one (used for tensors).
    for (value, stored) in zip(values, rounded) {
      #expect(Double(Float(bfloat16Bits: Float(value).bfloat16Bits)) == stored, "\(value)")
    }
    let nan = Tensor([.nan]).converted(to: .bfloat16)
    #expect(nan.scalars[0].isNaN)
    #expect(Float.nan.bfloat16Bits & 0x7FC0 == 0x7FC0, "a quiet NaN")
  }

  @Test func promotionFollowsPyTorch() throws {
    let x32 = Tensor([1, 2]).converted(to: .float32)
    let b16 = Tensor([1, 2]).converted(to: .bfloat16)
    let x64 = Tensor([1, 2])
    #expect(DType.promoted(x32, Tensor(3)) == .float32, "a number does not widen a float32 tensor")
    #expect(DType.promoted(x32, x64) == .float64)
    #expect(DType.promoted(b16, x32) == .float32)
    #expect(DType.promoted(Tensor(3).converted(to: .float32), Tensor(2)) == .float64, "numbers alone promote")
    #expect(DType.promoted([b16, Tensor(3), x32]) == .float32)
    #expect(try (x32 * Tensor(2)).dtype == .float32)
    #expect(try (b16 + x32).dtype == .float32)
    #expect(try (x32 + x64).dtype == .float64)
  }

  @Test func shapingIndexingAndProductsKeepTheType() throws {
    let a = try randn([3, 4], seed: 2).converted(to: .float32)
    #expect(try a.reshaped([4, 3]).dtype == .float32)
    #expect(try transpose(a).dtype == .float32)
    #expect(try a.subscripted([.at(1)]).dtype == .float32)
    #expect(try a.gatheringRows(Tensor([2, 0])).dtype == .float32)
    #expect(try matmul(a, transpose(a)).dtype == .float32)
    #expect(exp(a).dtype == .float32)
    #expect((-a).dtype == .float32)
    // The float32 product is float32 arithmetic on float32 values: within a
    // few float32 units of the float64 product of the same values.
    let exact = try matmul(a.converted(to: .float64), transpose(a.converted(to: .float64)))
    let single = try matmul(a, transpose(a))
    for (s, e) in zip(single.scalars, exact.scalars) { #expect(abs(s - e) <= 8 * Double(Float.ulpOfOne) * 8) }
  }

  /// float32 attention computes in float32 whatever the schedule (PyTorch's
  /// math path: each step a float32 operation), its scores and weights too;
  /// a float64 mask or bias does not widen it. Within a few float32 units of
  /// the float64 computation of the same values.
  @Test func attentionComputesInItsType() throws {
    let (q, k, v) = (try randn([5, 8], seed: 1), try randn([7, 8], seed: 2), try randn([7, 3], seed: 3))
    let mask = try Tensor(shape: [5, 7], scalars: (0..<35).map { $0 % 3 == 0 ? 0 : 1 })
    let bias = try randn([5, 7], seed: 4)
    for (useMask, useBias, causal) in [(false, false, false), (true, false, false), (false, true, true)] {
      func run(_ dtype: DType) throws -> AttentionResult {
        try attention(
          q.converted(to: dtype), keys: k.converted(to: dtype), values: v.converted(to: dtype), scale: 0.3,
          mask: useMask ? mask : nil, causal: causal, bias: useBias ? bias : nil)
      }
      let (single, double) = (try run(.float32), try run(.float64))
      for (s, d) in [(single.scores, double.scores), (single.weights, double.weights), (single.output, double.output)] {
        #expect(s.dtype == .float32 && s.shape == d.shape)
        for (a, e) in zip(s.scalars, d.scalars) where e.isFinite {
          #expect(abs(a - e) <= 16 * Double(Float.ulpOfOne) * max(abs(e), 1), "\(a) vs \(e)")
        }
      }
    }
    let x = try randn([64, 16], seed: 5).converted(to: .float32)
    let output = try selfAttention(x, causal: true).output
    #expect(output.dtype == .float32)
    // bfloat16: the float32 computation of the same values, rounded once (its
    // sums kept in float32, as PyTorch's), not rounded after every step.
    let (qb, kb, vb) = (q.converted(to: .bfloat16), k.converted(to: .bfloat16), v.converted(to: .bfloat16))
    let half = try attention(qb, keys: kb, values: vb, scale: 0.3, mask: mask)
    let wide = try attention(
      qb.converted(to: .float32), keys: kb.converted(to: .float32), values: vb.converted(to: .float32), scale: 0.3,
      mask: mask)
    #expect(half.output.dtype == .bfloat16 && half.output == wide.output.converted(to: .bfloat16))
    #expect(half.weights == wide.weights.converted(to: .bfloat16))
  }

  @Test func gradientsHaveTheirInputsType() throws {
    let w = try randn([4, 3], seed: 3).converted(to: .float32)
    let x = try randn([2, 4], seed: 4)
    let (_, gradients) = try valueWithGradient(at: [w]) { p in try sum(matmul(x.converted(to: .float32), p[0])) }
    #expect(gradients[0].dtype == .float32)
    // d/dW sum(x W) = xᵀ 1, in float32.
    let expected = try matmul(transpose(x), try ones([2, 3]))
    for (g, e) in zip(gradients[0].scalars, expected.scalars) { #expect(abs(g - e) <= 1e-5) }
  }

  /// float32 GELU runs on its own kernel (a fitted erfc in double lanes):
  /// each result is within one float32 unit of x·Φ(x) computed from the C
  /// library's erfc in double and rounded, far into both tails; so is the gradient.
  @Test func float32GeluRoundsTheExactValue() throws {
    let grid = (0..<4001).map { Double($0 - 2000) / 97 } + [0, -0.0, 1e-30, -40, 40]
    let x = Tensor(grid).converted(to: .float32)
    let values = x.scalars
    let (_, gradients) = try valueWithGradient(at: [x]) { p in try sum(gelu(p[0])) }
    let forward = gelu(x)
    #expect(forward.dtype == .float32 && gradients[0].dtype == .float32)
    for (index, v) in values.enumerated() {
      let phi = 0.5 * erfc(-v / 2.0.squareRoot())
      let exact = Float(v * phi)
      #expect(abs(Float(forward.scalars[index]) - exact) <= exact.ulp, "gelu(\(v))")
      let slope = Float(phi + v * exp(-0.5 * v * v) / (2 * Double.pi).squareRoot())
      #expect(abs(Float(gradients[0].scalars[index]) - slope) <= 2 * max(slope.ulp, Float.ulpOfOne), "gelu'(\(v))")
    }
  }

  /// float32 LayerNorm (C loops, statistics summed in double) agrees with the
  /// float64 one rounded, to a few float32 units, forward and backward.
  @Test func float32LayerNormAgreesWithFloat64() throws {
    let x = try randn([37, 48], seed: 7) * Tensor(3) + Tensor(1)
    let (w, b) = (try randn([48], seed: 8), try randn([48], seed: 9))
    let g = try randn([37, 48], seed: 10)
    func run(_ dtype: DType) throws -> [Tensor] {
      let inputs = [x, w, b].map { $0.converted(to: dtype) }
      let (value, gradients) = try valueWithGradient(at: inputs) { p in
        try sum(layerNorm(p[0], weight: p[1], bias: p[2]) * g.converted(to: dtype))
      }
      return [value] + gradients
    }
    let (single, double) = (try run(.float32), try run(.float64))
    #expect(single.dropFirst().allSatisfy { $0.dtype == .float32 }, "the gradients are float32")
    #expect(try layerNorm(x.converted(to: .float32)).dtype == .float32)
    for (s, d) in zip(single, double) {
      let scale = max(d.scalars.map(\.magnitude).max() ?? 1, 1)
      for (a, e) in zip(s.scalars, d.scalars) { #expect(abs(a - e) <= 16 * Double(Float.ulpOfOne) * scale) }
    }
  }

  /// Rows wider than the kernel's sixteen lanes (four whole blocks and a
  /// tail), large logits (no exp may overflow) and targets at both ends.
  @Test func float32CrossEntropyAgreesWithFloat64() throws {
    let (rows, classes) = (29, 70)
    var values = try (randn([rows, classes], seed: 11) * Tensor(10)).scalars
    for i in 0..<classes { values[i] += 5000 }
    let logits = try Tensor(shape: [rows, classes], scalars: values).converted(to: .float32)
    let targets = try Tensor(shape: [rows], scalars: (0..<rows).map { Double($0 * 37 % classes) })
    let lastTargets = try Tensor(shape: [rows], scalars: (0..<rows).map { $0 % 2 == 0 ? 0 : Double(classes - 1) })
    for targets in [targets, lastTargets] {
      let (single, singleGradient) = try valueWithGradient(at: logits) { try crossEntropy($0, targets) }
      let (double, doubleGradient) = try valueWithGradient(at: logits.converted(to: .float64)) {
        try crossEntropy($0, targets)
      }
      #expect(singleGradient.dtype == .float32, "the gradient is float32")
      #expect(abs(single.scalars[0] - double.scalars[0]) <= 1e-12 * double.scalars[0].magnitude)
      for (a, e) in zip(singleGradient.scalars, doubleGradient.scalars) {
        #expect(abs(a - e) <= Double(Float.ulpOfOne) * max(e.magnitude, 1e-3 / Double(rows)))
      }
    }
  }
}
