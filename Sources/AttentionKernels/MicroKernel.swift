// This file is compiled twice: in AttentionKernels for AVX2 and FMA (call it
// only after checking the processor with attn_cpu_has_avx2_fma()), and
// through a symlink in AttentionPortable for any x86-64 processor. Each
// module defines `accumulate` for its instructions.

/// C[0..<6, 0..<8] += Σₚ a[p·6 + r] · b[p·8 + q] for packed panels `a`
/// (6 values per step) and `b` (8 values per step), with C's rows `ldc`
/// apart. Twelve 4-wide accumulators stay in registers for the whole k loop.
/// With `overwrite`, the tile is stored (`C = …`) rather than added, so the
/// first block of a product needs no zeroed C.
public func microKernel6x8(
  k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>, ldc: Int,
  overwrite: Bool
) {
  typealias V = SIMD4<Double>
  var c00 = V()
  var c01 = V()
  var c10 = V()
  var c11 = V()
  var c20 = V()
  var c21 = V()
  var c30 = V()
  var c31 = V()
  var c40 = V()
  var c41 = V()
  var c50 = V()
  var c51 = V()
  var ap = a
  var bp = UnsafeRawPointer(b)
  for _ in 0..<k {
    let b0 = bp.loadUnaligned(as: V.self)
    let b1 = bp.loadUnaligned(fromByteOffset: 32, as: V.self)
    var broadcast = V(repeating: ap[0])
    accumulate(&c00, broadcast, b0)
    accumulate(&c01, broadcast, b1)
    broadcast = V(repeating: ap[1])
    accumulate(&c10, broadcast, b0)
    accumulate(&c11, broadcast, b1)
    broadcast = V(repeating: ap[2])
    accumulate(&c20, broadcast, b0)
    accumulate(&c21, broadcast, b1)
    broadcast = V(repeating: ap[3])
    accumulate(&c30, broadcast, b0)
    accumulate(&c31, broadcast, b1)
    broadcast = V(repeating: ap[4])
    accumulate(&c40, broadcast, b0)
    accumulate(&c41, broadcast, b1)
    broadcast = V(repeating: ap[5])
    accumulate(&c50, broadcast, b0)
    accumulate(&c51, broadcast, b1)
    ap += 6
    bp += 64
  }
  func add(_ low: V, _ high: V, row: Int) {
    let target = UnsafeMutableRawPointer(c + row * ldc)
    if overwrite {
      target.storeBytes(of: low, as: V.self)
      target.storeBytes(of: high, toByteOffset: 32, as: V.self)
    } else {
      target.storeBytes(of: target.loadUnaligned(as: V.self) + low, as: V.self)
      target.storeBytes(of: target.loadUnaligned(fromByteOffset: 32, as: V.self) + high, toByteOffset: 32, as: V.self)
    }
  }
  add(c00, c01, row: 0)
  add(c10, c11, row: 1)
  add(c20, c21, row: 2)
  add(c30, c31, row: 3)
  add(c40, c41, row: 4)
  add(c50, c51, row: 5)
}
