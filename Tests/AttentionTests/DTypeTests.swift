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

  @Test func gradientsHaveTheirInputsType() throws {
    let w = try randn([4, 3], seed: 3).converted(to: .float32)
    let x = try randn([2, 4], seed: 4)
    let (_, gradients) = try valueWithGradient(at: [w]) { p in try sum(matmul(x.converted(to: .float32), p[0])) }
    #expect(gradients[0].dtype == .float32)
    // d/dW sum(x W) = xᵀ 1, in float32.
    let expected = try matmul(transpose(x), try ones([2, 3]))
    for (g, e) in zip(gradients[0].scalars, expected.scalars) { #expect(abs(g - e) <= 1e-5) }
  }
}
