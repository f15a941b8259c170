/// `c += a · b` as one fused multiply-add per lane (this module is built for FMA).
@inline(__always)
func accumulate(_ c: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
  c.addProduct(a, b)
}
