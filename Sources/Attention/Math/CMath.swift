#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The C library's functions under names that do not collide with the
// tensor-valued functions of the same name in this module.
@inline(__always) func cExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) func cTanh(_ x: Double) -> Double { tanh(x) }
@inline(__always) func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func cSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func cErf(_ x: Double) -> Double { erf(x) }
