/// A small, fully specified pseudo-random generator: SplitMix64
/// (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014).
///
/// The same seed gives the same numbers on every run and every machine, so
/// lessons and tests can print seeded random tensors. The state advances by
/// the golden-ratio increment `0x9E3779B97F4A7C15` and each output is mixed by
/// two xor-shift-multiply rounds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator whose sequence is determined by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in `[0, 1)`: the top 53 bits of ``next()`` times 2⁻⁵³.
  public mutating func nextUniform() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A standard normal double by the Box–Muller transform
  /// `√(−2 ln u₁) · cos(2π u₂)` with `u₁ = 1 − uniform` in `(0, 1]`.
  /// Each call consumes two uniforms (the sine half is not kept), so the
  /// n-th normal depends only on the seed and n.
  public mutating func nextNormal() -> Double {
    let u1 = 1 - nextUniform()
    let u2 = nextUniform()
    return (-2 * cLog(u1)).squareRoot() * cCos(2 * Double.pi * u2)
  }
}

/// A tensor of `shape` filled with independent standard normal samples from
/// ``SplitMix64`` seeded with `seed`, in row-major order.
@_specialize(exported:true,where S == [Int])
public func randn<S: Collection<Int>>(_ shape: S, seed: UInt64 = 0) throws -> Tensor {
  var generator = SplitMix64(seed: seed)
  return try filled(shape, operation: "randn") { generator.nextNormal() }
}

/// A tensor of `shape` filled with independent uniform samples in `[0, 1)`
/// from ``SplitMix64`` seeded with `seed`, in row-major order.
@_specialize(exported:true,where S == [Int])
public func rand<S: Collection<Int>>(_ shape: S, seed: UInt64 = 0) throws -> Tensor {
  var generator = SplitMix64(seed: seed)
  return try filled(shape, operation: "rand") { generator.nextUniform() }
}

/// Xavier/Glorot-uniform initial weights of shape `[fanIn, fanOut]`:
/// `U(−a, a)` with `a = √(6 / (fanIn + fanOut))` (Glorot & Bengio, 2010),
/// drawn from `generator` in row-major order.
public func xavierUniform(fanIn: Int, fanOut: Int, using generator: inout SplitMix64) throws -> Tensor {
  let bound = (6 / Double(max(fanIn + fanOut, 1))).squareRoot()
  return try filled([fanIn, fanOut], operation: "xavier") { (2 * generator.nextUniform() - 1) * bound }
}

func filled(_ shape: some Collection<Int>, operation: String, _ next: () -> Double) throws -> Tensor {
  try Tensor.validate(shape: shape, operation: operation)
  let count = try Tensor.elementCount(of: shape, operation: operation)
  try ExecutionContext.current.reserve(shape, operation: operation)
  var scalars = [Double]()
  scalars.reserveCapacity(count)
  for _ in 0..<count { scalars.append(next()) }
  return Tensor(unchecked: Shape(shape), scalars)
}
