import AttentionKernels
import AttentionPortable
import Foundation
import TestSupport
import Testing

@testable import Attention

/// The fast kernels against the textbook definitions, on shapes chosen to
/// cross every block size (mr = 6, nr = 8, kc = 256, mc = 72) and edge.
@Suite struct MatrixKernelTests {
  static let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (2, 3, 4), (6, 8, 8), (7, 5, 3), (13, 17, 9), (73, 257, 19), (130, 300, 50), (6, 8, 513),
    (200, 64, 200), (31, 1, 40), (1, 600, 1),
  ]

  /// C[i, j] = Σₚ A[i, p] B[p, j], written out.
  func reference(_ a: Tensor, _ b: Tensor) -> [Double] {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var total = 0.0
        for p in 0..<k { total += a.scalars[i * k + p] * b.scalars[p * n + j] }
        c[i * n + j] = total
      }
    }
    return c
  }

  @Test(arguments: shapes)
  func matmulMatchesTheDefinition(_ shape: (Int, Int, Int)) throws {
    let (m, k, n) = shape
    let a = try randn([m, k], seed: UInt64(m * 1000 + k))
    let b = try randn([k, n], seed: UInt64(n * 1000 + k))
    let product = try matmul(a, b)
    let expected = try Tensor(shape: [m, n], scalars: reference(a, b))
    #expect(product.isApproximatelyEqual(to: expected, tolerance: 1e-12), "\(shape)")
  }

  @Test func singleThreadedAgreesWithParallel() throws {
    let a = try randn([150, 90], seed: 1)
    let b = try randn([90, 110], seed: 2)
    var one = [Double](repeating: 0, count: 150 * 110)
    var many = one
    a.scalars.withUnsafeBufferPointer { x in
      b.scalars.withUnsafeBufferPointer { y in
        one.withUnsafeMutableBufferPointer {
          MatrixKernel.multiply(x.baseAddress!, y.baseAddress!, $0.baseAddress!, m: 150, k: 90, n: 110, maxThreads: 1)
        }
        many.withUnsafeMutableBufferPointer {
          MatrixKernel.multiply(x.baseAddress!, y.baseAddress!, $0.baseAddress!, m: 150, k: 90, n: 110, maxThreads: 2)
        }
      }
    }
    #expect(one == many)
  }

  /// Both micro-kernels (fused for AVX2/FMA, portable) give the same tile.
  @Test func microKernelsAgree() throws {
    guard Processor.hasFusedMultiplyAdd else { return }
    let k = 37
    let a = try randn([k * 6], seed: 3).scalars
    let b = try randn([k * 8], seed: 4).scalars
    var fused = try randn([6 * 8], seed: 5).scalars
    var portable = fused
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        fused.withUnsafeMutableBufferPointer {
          AttentionKernels.microKernel6x8(
            k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: $0.baseAddress!, ldc: 8, overwrite: false)
        }
        portable.withUnsafeMutableBufferPointer {
          AttentionPortable.microKernel6x8(
            k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: $0.baseAddress!, ldc: 8, overwrite: false)
        }
      }
    }
    #expect(zip(fused, portable).allSatisfy { $0.isApproximatelyEqual(to: $1, tolerance: 1e-13) })
  }
}

@Suite struct VectorExpTests {
  static let inputs: [Double] =
    [
      0, 1, -1, 0.5, -0.3466, 0.3466, 2.302585, -20, 20, -300.5, 300.5, 700, 709.7, 709.79, 710, -700, -708.3,
      -744, -745.2, -746, -1000, .infinity, -.infinity,
    ] + (0..<200).map { Double($0) * 0.37 - 37 }

  /// Both builds of the vector exp agree with the C library within 2 ulp.
  @Test func matchesTheLibraryExp() {
    for build in [AttentionKernels.vectorExp, AttentionPortable.vectorExp] as [(SIMD4<Double>) -> SIMD4<Double>] {
      var index = 0
      while index < Self.inputs.count {
        var lanes = SIMD4<Double>(repeating: 0)
        for lane in 0..<4 where index + lane < Self.inputs.count { lanes[lane] = Self.inputs[index + lane] }
        let result = build(lanes)
        for lane in 0..<4 where index + lane < Self.inputs.count {
          let expected = Foundation.exp(lanes[lane])
          let tolerance = 2 * expected.ulp
          #expect(
            Swift.abs(result[lane] - expected) <= tolerance || (result[lane] == expected),
            "exp(\(lanes[lane])) = \(result[lane]), expected \(expected)")
        }
        index += 4
      }
    }
  }

  @Test func nanStaysNaN() {
    #expect(AttentionPortable.vectorExp(SIMD4(repeating: .nan))[0].isNaN)
    #expect(AttentionKernels.vectorExp(SIMD4(repeating: .nan))[0].isNaN || !Processor.hasFusedMultiplyAdd)
  }
}
