/// `c += a · b` as a multiply and an add: without FMA instructions a fused
/// `addProduct` would become a library call per lane.
@inline(__always)
func accumulate(_ c: inout SIMD4<Double>, _ a: SIMD4<Double>, _ b: SIMD4<Double>) {
  c += a * b
}
