import Foundation
import Testing
import _AttentionKernels
import _TestSupport

@testable import Attention

/// The fast kernels against the textbook definitions, on shapes chosen to
/// cross every block size (mr = 6, nr = 8, kc = 256, mc = 72) and edge.
@Suite struct MatrixKernelTests {
  static let shapes: [(Int, Int, Int)] = [
    (1, 1, 1), (2, 3, 4), (6, 8, 8), (7, 5, 3), (13, 17, 9), (73, 257, 19), (130, 300, 50), (6, 8, 513),
    (200, 64, 200), (31, 1, 40), (1, 600, 1),
  ]

  /// The tile sets to check: the AVX-512 tiles where the processor has
  /// them, and the others always (they run where it does not).
  static let tileSets: [Bool] = Processor.hasAVX512 ? [false, true] : [false]

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

  /// Operands stored transposed are read in place, small and blocked alike,
  /// by every tile set the processor runs.
  @Test(arguments: shapes)
  func transposedOperandsMatchTheDefinition(_ shape: (Int, Int, Int)) throws {
    let (m, k, n) = shape
    let a = try randn([m, k], seed: UInt64(m * 1000 + k))
    let b = try randn([k, n], seed: UInt64(n * 1000 + k))
    let expected = try Tensor(shape: [m, n], scalars: reference(a, b))
    let storedA = try transpose(a)
    let storedB = try transpose(b)
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
      let x = transposeA ? storedA : a
      let y = transposeB ? storedB : b
      for wide in Self.tileSets {
        var c = [Double](repeating: .nan, count: m * n)
        x.scalars.withUnsafeBufferPointer { xs in
          y.scalars.withUnsafeBufferPointer { ys in
            c.withUnsafeMutableBufferPointer {
              MatrixKernel.multiply(
                xs.baseAddress!, ys.baseAddress!, $0.baseAddress!, m: m, k: k, n: n, transposeA: transposeA,
                transposeB: transposeB, wideTiles: wide)
            }
          }
        }
        #expect(
          try Tensor(shape: [m, n], scalars: c).isApproximatelyEqual(to: expected, tolerance: 1e-12),
          "\(shape) transposeA: \(transposeA) transposeB: \(transposeB) wide: \(wide)")
      }
    }
  }

  /// The float32 kernels (6 × 16 tiles, kc = 512, A read in place in whole
  /// panels and packed in a last, shorter one; with AVX-512, 12 × 32 tiles
  /// and 6 × 16 ones for what is left, A packed when its rows are a multiple
  /// of 2 KB apart: k = 512, 1024) against the float64 definition on the same
  /// values, every operand stored either way.
  @Test(
    arguments: shapes + [
      (768, 128, 128), (128, 768, 512), (71, 1030, 33), (13, 600, 700), (150, 40, 80), (40, 512, 70), (30, 1024, 40),
    ])
  func float32MatchesTheDefinition(_ shape: (Int, Int, Int)) throws {
    let (m, k, n) = shape
    let a = try randn([m, k], seed: UInt64(m * 1000 + k)).converted(to: .float32).converted(to: .float64)
    let b = try randn([k, n], seed: UInt64(n * 1000 + k)).converted(to: .float32).converted(to: .float64)
    let expected = reference(a, b)
    let (storedA, storedB) = (try transpose(a), try transpose(b))
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
      let x = (transposeA ? storedA : a).scalars.map(Float.init)
      let y = (transposeB ? storedB : b).scalars.map(Float.init)
      for wide in Self.tileSets {
        var c = [Float](repeating: .nan, count: m * n)
        x.withUnsafeBufferPointer { xs in
          y.withUnsafeBufferPointer { ys in
            c.withUnsafeMutableBufferPointer {
              MatrixKernel.multiply(
                xs.baseAddress!, ys.baseAddress!, $0.baseAddress!, m: m, k: k, n: n, transposeA: transposeA,
                transposeB: transposeB, wideTiles: wide)
            }
          }
        }
        // Rounding in float32 at every step: within k units of the largest term's size.
        let worst = zip(c, expected).map { abs(Double($0) - $1) }.max() ?? 0
        #expect(
          worst <= Double(k) * Double(Float.ulpOfOne) * 4,
          "\(shape) transposeA: \(transposeA) transposeB: \(transposeB) wide: \(wide)")
      }
    }
  }

  /// The threads follow a container's CPU quota (cgroup v2's cpu.max).
  @Test func theCPUQuotaLimitsTheThreads() {
    #expect(MatrixKernel.cpuQuota("max 100000\n") == nil)
    #expect(MatrixKernel.cpuQuota("200000 100000\n") == 2)
    #expect(MatrixKernel.cpuQuota("150000 100000") == 2)
    #expect(MatrixKernel.cpuQuota("50000 100000") == 1)
    #expect(MatrixKernel.cpuQuota("") == nil)
    #expect(MatrixKernel.cpuQuota("0 100000") == nil)
    #expect(MatrixKernel.activeProcessorCount >= 1)
  }

  /// The settings a program hands over from its environment (the library reads none itself).
  @Test func settingsComeFromTheEnvironmentGiven() {
    let saved = (ComputeSettings.allowsAVX512, ComputeSettings.maximumThreads)
    defer { (ComputeSettings.allowsAVX512, ComputeSettings.maximumThreads) = saved }
    ComputeSettings.configure(from: ["ATTN_THREADS": "0", "ATTN_NO_AVX512": "yes"])
    #expect(ComputeSettings.allowsAVX512 == saved.0 && ComputeSettings.maximumThreads == saved.1)
    ComputeSettings.configure(from: ["ATTN_THREADS": "3", "ATTN_NO_AVX512": "1"])
    #expect(!ComputeSettings.allowsAVX512)
    #expect(ComputeSettings.maximumThreads == 3)
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

  /// Both micro-kernels (fused multiply-add, portable) give the same tile.
  @Test func microKernelsAgree() throws {
    guard Processor.hasFusedMultiplyAdd else { return }
    let k = 37
    let a = try randn([k * 6], seed: 3).scalars
    let b = try randn([k * 8], seed: 4).scalars
    var fused = try randn([6 * 8], seed: 5).scalars
    var portable = fused
    for overwrite: Int32 in [0, 1] {
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          fused.withUnsafeMutableBufferPointer {
            attn_microkernel_6x8_fma(k, pa.baseAddress, pb.baseAddress, $0.baseAddress, 8, overwrite)
          }
          portable.withUnsafeMutableBufferPointer {
            attn_microkernel_6x8_portable(k, pa.baseAddress, pb.baseAddress, $0.baseAddress, 8, overwrite)
          }
        }
      }
      #expect(zip(fused, portable).allSatisfy { $0.isApproximatelyEqual(to: $1, tolerance: 1e-13) })
    }
    // The tile against the definition.
    for r in 0..<6 {
      for q in 0..<8 {
        let expected = (0..<k).reduce(0.0) { $0 + a[$1 * 6 + r] * b[$1 * 8 + q] }
        #expect(fused[r * 8 + q].isApproximatelyEqual(to: expected, tolerance: 1e-12))
      }
    }
  }
}

/// The wide (AVX-512) and in-place kernels against the definition of a tile.
@Suite struct WideKernelTests {
  func expectTile(_ c: [Double], _ a: (Int, Int) -> Double, _ b: [Double], rows: Int, k: Int, start: [Double]) {
    for r in 0..<rows {
      for q in 0..<16 {
        let expected = start[r * 16 + q] + (0..<k).reduce(0.0) { $0 + a(r, $1) * b[$1 * 16 + q] }
        #expect(c[r * 16 + q].isApproximatelyEqual(to: expected, tolerance: 1e-12), "row \(r), column \(q)")
      }
    }
  }

  @Test func packedTwelveBySixteen() throws {
    guard Processor.hasAVX512 else { return }
    let k = 29
    let a = try randn([2 * k * 6], seed: 1).scalars  // two 6-row panels
    let b = try randn([2 * k * 8], seed: 2).scalars  // two 8-column panels
    let start = Array(try randn([12 * 16], seed: 3).scalars)
    var c = start
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer {
          attn_microkernel_12x16_avx512(
            k, pa.baseAddress, pa.baseAddress! + 6 * k, pb.baseAddress, pb.baseAddress! + 8 * k, $0.baseAddress, 16, 0)
        }
      }
    }
    // B as one 16-wide row per step, A's row r from its panel.
    let wideB = (0..<k).flatMap { p in (0..<16).map { q in q < 8 ? b[p * 8 + q] : b[8 * k + p * 8 + q - 8] } }
    expectTile(c, { r, p in r < 6 ? a[p * 6 + r] : a[6 * k + p * 6 + r - 6] }, wideB, rows: 12, k: k, start: start)
  }

  @Test func inPlaceColumns() throws {
    // A stored transposed: step p's twelve values at a[p·lda ..< p·lda + 12].
    let k = 19
    let lda = 40
    let a = try randn([k * lda], seed: 7).scalars
    let b = try randn([2 * k * 8], seed: 8).scalars
    let wideB = (0..<k).flatMap { p in (0..<16).map { q in q < 8 ? b[p * 8 + q] : b[8 * k + p * 8 + q - 8] } }
    let start = Array(try randn([12 * 16], seed: 9).scalars)
    if Processor.hasAVX512 {
      var c = start
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer {
            attn_microkernel_columns_12x16_avx512(
              k, pa.baseAddress, lda, pb.baseAddress, pb.baseAddress! + 8 * k, $0.baseAddress, 16, 0)
          }
        }
      }
      expectTile(c, { r, p in a[p * lda + r] }, wideB, rows: 12, k: k, start: start)
    }
    typealias Columns =
      @convention(c) (
        Int, UnsafePointer<Double>?, Int, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int32
      ) -> Void
    let builds: [Columns] =
      Processor.hasFusedMultiplyAdd
      ? [attn_microkernel_columns_6x8_fma, attn_microkernel_columns_6x8_portable]
      : [attn_microkernel_columns_6x8_portable]
    for build in builds {
      var c = start
      a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          c.withUnsafeMutableBufferPointer { build(k, pa.baseAddress, lda, pb.baseAddress, $0.baseAddress, 16, 1) }
        }
      }
      for r in 0..<6 {
        for q in 0..<8 {
          let expected = (0..<k).reduce(0.0) { $0 + a[$1 * lda + r] * b[$1 * 8 + q] }
          #expect(c[r * 16 + q].isApproximatelyEqual(to: expected, tolerance: 1e-12))
        }
      }
    }
  }

  @Test func columnSoftmaxHelpers() throws {
    // A 5 × 7 tile (rows 9 apart): column maxima, then exp((x − shift)·scale) down the columns.
    let tile = try randn([5 * 9], seed: 10).scalars
    var maxima = [Double](repeating: 0, count: 7)
    let builds = [attn_column_maximum_portable] + (Processor.hasFusedMultiplyAdd ? [attn_column_maximum_fma] : [])
    for build in builds {
      let nan = tile.withUnsafeBufferPointer { t in
        maxima.withUnsafeMutableBufferPointer { build(t.baseAddress, 5, 7, 9, $0.baseAddress) }
      }
      #expect(nan == 0)
      for i in 0..<7 { #expect(maxima[i] == (0..<5).map { tile[$0 * 9 + i] }.max()) }
    }
    typealias Exponentiate =
      @convention(c) (
        UnsafeMutablePointer<Double>?, Int, Int, Int, UnsafePointer<Double>?, Double, UnsafeMutablePointer<Double>?
      ) -> Void
    let exponentiations: [Exponentiate] =
      [attn_exponentiate_columns_portable] + (Processor.hasFusedMultiplyAdd ? [attn_exponentiate_columns_fma] : [])
      + (Processor.hasAVX512 ? [attn_exponentiate_columns_avx512] : [])
    for exponentiate in exponentiations {
      var result = tile
      var sums = [Double](repeating: 1, count: 7)
      result.withUnsafeMutableBufferPointer { t in
        maxima.withUnsafeBufferPointer { m in
          sums.withUnsafeMutableBufferPointer {
            exponentiate(t.baseAddress, 5, 7, 9, m.baseAddress, 0.5, $0.baseAddress)
          }
        }
      }
      for i in 0..<7 {
        var total = 1.0
        for j in 0..<5 {
          let expected = Foundation.exp((tile[j * 9 + i] - maxima[i]) * 0.5)
          total += expected
          #expect(result[j * 9 + i].isApproximatelyEqual(to: expected, tolerance: 1e-14))
        }
        #expect(sums[i].isApproximatelyEqual(to: total, tolerance: 1e-14))
      }
    }
  }
}

@Suite struct VectorExpTests {
  static let inputs: [Double] =
    [
      0, 1, -1, 0.5, -0.3466, 0.3466, 2.302585, -20, 20, -300.5, 300.5, 700, 709.7, 709.79, 710, -700, -708.3,
      -744, -745.2, -746, -1000, .infinity, -.infinity,
    ] + (0..<200).map { Double($0) * 0.37 - 37 }

  typealias Build = @convention(c) (UnsafeMutablePointer<Double>?, Int, Double, Double) -> Double

  static var builds: [Build] {
    (Processor.hasAVX512 ? [attn_exponentiate_avx512] : [])
      + (Processor.hasFusedMultiplyAdd
        ? [attn_exponentiate_fma, attn_exponentiate_portable] : [attn_exponentiate_portable])
  }

  /// Both builds of the vector exp agree with the C library within 2 ulp,
  /// in full vectors and in the tail, and return the sum.
  @Test(arguments: [Self.inputs.count, 7, 3, 1])
  func matchesTheLibraryExp(count: Int) {
    let inputs = Array(Self.inputs.prefix(count))
    for build in Self.builds {
      var values = inputs
      let sum = values.withUnsafeMutableBufferPointer { build($0.baseAddress, $0.count, 0, 1) }
      for (input, result) in zip(inputs, values) {
        let expected = Foundation.exp(input)
        #expect(
          abs(result - expected) <= 2 * expected.ulp || result == expected,
          "exp(\(input)) = \(result), expected \(expected)")
      }
      #expect(sum == values.reduce(0, +) || sum.isApproximatelyEqual(to: values.reduce(0, +), tolerance: 1e-12))
    }
  }

  /// The shift and scale are applied before exp: exp((x − 2) · 0.5).
  @Test func shiftsAndScales() {
    for build in Self.builds {
      var values: [Double] = [2, 4, 0, -6, 10]
      _ = values.withUnsafeMutableBufferPointer { build($0.baseAddress, $0.count, 2, 0.5) }
      let expected = [0.0, 1, -1, -4, 4].map { Foundation.exp($0) }
      #expect(zip(values, expected).allSatisfy { $0.isApproximatelyEqual(to: $1, tolerance: 1e-15) })
    }
  }

  @Test func nanStaysNaN() {
    for build in Self.builds {
      var values: [Double] = [.nan, 1, .nan, 0, .nan]
      _ = values.withUnsafeMutableBufferPointer { build($0.baseAddress, $0.count, 0, 1) }
      #expect(values[0].isNaN && values[2].isNaN && values[4].isNaN)
      #expect(abs(values[1] - Foundation.exp(1)) <= 2 * Foundation.exp(1).ulp && values[3] == 1)
    }
  }

  /// The float32 exp (eight float lanes, the float32 attention kernel's;
  /// sixteen in its AVX-512 build) within 2 float32 units of the C library's exp rounded to float32, in
  /// full vectors and in the tail; 0 below −87.34 (past the normal floats),
  /// infinity above 88.73 and past the largest float; NaN stays NaN.
  @Test func floatLanesMatchTheLibraryExp() {
    let grid = (0..<1801).map { Float($0) * 0.1 - 90 } + [88.72, 88.7228, 88.73, 88.05, -87.33, 0, 1, -1]
    let special: [Float] = [.infinity, -.infinity, .nan, -1000, 1000]
    let builds =
      [attn_exp_float32_portable] + (Processor.hasFusedMultiplyAdd ? [attn_exp_float32_fma] : [])
      + (Processor.hasAVX512 ? [attn_exp_float32_avx512] : [])
    for build in builds {
      for inputs in [grid, Array(grid.prefix(5)), Array(grid.prefix(21)), special] {
        var values = inputs
        values.withUnsafeMutableBufferPointer { build($0.baseAddress, $0.count) }
        for (input, result) in zip(inputs, values) {
          let expected = Float(Foundation.exp(Double(input)))
          if input.isNaN {
            #expect(result.isNaN)
          } else if input < -87.34 {
            #expect(result == 0, "exp(\(input)) = \(result)")
          } else if !expected.isFinite || input > 88.73 {
            #expect(result == .infinity, "exp(\(input)) = \(result)")
          } else {
            #expect(abs(result - expected) <= 2 * expected.ulp, "exp(\(input)) = \(result), expected \(expected)")
          }
        }
      }
    }
  }
}
