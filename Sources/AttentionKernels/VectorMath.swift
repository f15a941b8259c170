#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// This file is compiled twice: in AttentionKernels for AVX2 and FMA, and
// (through a symlink) in AttentionPortable for any x86-64 processor.

/// exp for four doubles at once, accurate to about 1 ulp, for softmax's inner loop
/// (a call to the C library's `exp` per element would cost more than the rest of attention).
///
/// Range reduction: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in a high and a
/// low part so r is exact), then e^r by its Taylor series to degree 13 (error
/// below 2⁻⁵⁴ on that interval), and 2^k built in the exponent bits.
/// Arguments outside [−708, 709] (where 2^k would not be a normal number)
/// are passed to the C library's `exp`; NaN stays NaN.
@inline(__always)
public func vectorExp(_ x: SIMD4<Double>) -> SIMD4<Double> {
  typealias V = SIMD4<Double>
  let log2e = V(repeating: 1.4426950408889634)
  let ln2High = V(repeating: 0.693147180369123816490)
  let ln2Low = V(repeating: 1.90821492927058770002e-10)
  // Clamp so 2^k stays a normal number; the true results beyond are handled after.
  var clamped = x
  clamped.replace(with: -708, where: x .< -708)
  clamped.replace(with: 709, where: x .> 709)
  // Adding 1.5·2⁵² rounds to the nearest integer k and leaves k in the low
  // bits of the sum (a vector-friendly rounding and conversion).
  let magic = V(repeating: 6_755_399_441_055_744.0)
  let shifted = clamped * log2e + magic
  let k = shifted - magic
  let r = (clamped - k * ln2High) - k * ln2Low
  // Horner's rule for Σ rⁿ/n!, n = 0 … 13.
  var p = V(repeating: 1.0 / 6_227_020_800)
  p = p * r + V(repeating: 1.0 / 479_001_600)
  p = p * r + V(repeating: 1.0 / 39_916_800)
  p = p * r + V(repeating: 1.0 / 3_628_800)
  p = p * r + V(repeating: 1.0 / 362_880)
  p = p * r + V(repeating: 1.0 / 40_320)
  p = p * r + V(repeating: 1.0 / 5_040)
  p = p * r + V(repeating: 1.0 / 720)
  p = p * r + V(repeating: 1.0 / 120)
  p = p * r + V(repeating: 1.0 / 24)
  p = p * r + V(repeating: 1.0 / 6)
  p = p * r + V(repeating: 0.5)
  p = p * r + V(repeating: 1)
  p = p * r + V(repeating: 1)
  // 2^k: the exponent field holds k + 1023.
  let integerK = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- unsafeBitCast(magic, to: SIMD4<UInt64>.self)
  var result = p * unsafeBitCast((integerK &+ 1023) &<< 52, to: V.self)
  // Outside the fast range (huge, subnormal, ±inf): the C library, lane by lane.
  let outside = (x .< -708) .| (x .> 709)
  if any(outside) {
    for lane in 0..<4 where outside[lane] { result[lane] = exp(x[lane]) }
  }
  result.replace(with: x, where: x .!= x)
  return result
}

/// `buffer[i] = exp((buffer[i] − shift) · scale)` for `count` contiguous values,
/// returning their sum.
public func exponentiate(_ buffer: UnsafeMutablePointer<Double>, count: Int, shift: Double, scale: Double) -> Double {
  typealias V = SIMD4<Double>
  var total = V()
  var index = 0
  let raw = UnsafeMutableRawPointer(buffer)
  while index + 4 <= count {
    let values = raw.loadUnaligned(fromByteOffset: index * 8, as: V.self)
    let e = vectorExp((values - V(repeating: shift)) * V(repeating: scale))
    raw.storeBytes(of: e, toByteOffset: index * 8, as: V.self)
    total += e
    index += 4
  }
  var sum = total.sum()
  if index < count {
    var tail = V(repeating: -.infinity)
    for lane in 0..<(count - index) { tail[lane] = (buffer[index + lane] - shift) * scale }
    let e = vectorExp(tail)
    for lane in 0..<(count - index) {
      buffer[index + lane] = e[lane]
      sum += e[lane]
    }
  }
  return sum
}
