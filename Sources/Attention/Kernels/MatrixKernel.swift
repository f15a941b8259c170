import Foundation
import Synchronization
import _AttentionKernels

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A cache-blocked, register-blocked matrix product `C = A · B` for row-major
/// matrices (the GotoBLAS/BLIS scheme):
///
/// - B is copied in `kc × nc` blocks into panels of ``nr`` columns, and A in
///   `mc × kc` blocks into panels of ``mr`` rows, so the innermost loop reads
///   both operands contiguously from cache (float32 reads whole panels of A
///   where they are stored: its kernel's broadcasts cost the same from there);
/// - a micro-kernel keeps an `mr × nr` tile of C in SIMD registers and
///   updates it with one fused multiply-add per element of each rank-1 step;
/// - blocks of rows of C are shared among threads (`parallelPerform`) once
///   the product is large enough to pay for them.
///
/// Edges that are not multiples of the tile size are packed with zeros and
/// written back partially. The stop request (of the calling thread's
/// ``ExecutionContext``) is polled between blocks so a long product can be
/// abandoned (the result is then incomplete: callers check).
enum MatrixKernel {
  // The float64 tile; float32's is 6 × 16 (``KernelElement``).
  static let mr = 6
  static let nr = 8
  static let kc = 256
  static let mc = 72
  static let nc = 3072

  /// Work (m·n·k) up to which a product is the plain triple loop (in C):
  /// no packing, and no polling of the stop request.
  static let smallWork = 32 * 32 * 32

  /// Work (m·n·k) above which the product uses more than one thread.
  static let parallelThreshold = 64 * 64 * 64

  /// `C = op(A) · op(B)` with `op(A)` `m×k` and `op(B)` `k×n`: with
  /// `transposeA`, A is stored as its transpose (`k×m`), likewise B (`n×k`)
  /// — read transposed while packing, so the gradient of a product needs no
  /// transposed copies. `wideTiles` runs the AVX-512 micro-kernels; the
  /// tests turn it off to check the others on processors that have it.
  static func multiply<T: KernelElement>(
    _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>,
    m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false,
    maxThreads: Int = activeProcessorCount, stop givenStop: StopRequest? = nil, wideTiles: Bool = Processor.hasAVX512
  ) {
    guard m > 0, n > 0 else { return }
    guard k > 0, m * n * k > smallWork else {
      guard k > 0 else {
        c.update(repeating: 0, count: m * n)
        return
      }
      // Small: the textbook triple loop (in C, for both types), which writes
      // every element of C; a transposed operand is read in place; with both
      // transposed, A is copied into place first (cheap at this size).
      let plainA = transposeA && transposeB ? transposedCopy(a, rows: k, columns: m) : nil
      T.smallProduct(
        plainA.map { UnsafePointer($0) } ?? a, b, c, m: m, k: k, n: n, transposedA: transposeA && !transposeB,
        transposedB: transposeB)
      plainA?.deallocate()
      return
    }
    // Worker threads cannot see the caller's context: read its stop request here.
    let stop = givenStop ?? ExecutionContext.current.stop
    let threads =
      m * n * k >= parallelThreshold ? max(1, min(maxThreads, (m + T.tileRows - 1) / T.tileRows)) : 1
    // Blocks of rows in a multiple of the threads, as even as whole tiles allow
    // (768 rows on two threads: 12 blocks of 64, not 10 of 72 and one of 48).
    let blocks = (m + T.blockRows - 1) / T.blockRows
    let evenBlocks = threads > 1 ? (blocks + threads - 1) / threads * threads : blocks
    let blockRows = ((m + evenBlocks - 1) / evenBlocks + T.tileRows - 1) / T.tileRows * T.tileRows
    let packedB = UnsafeMutablePointer<T>.allocate(capacity: T.blockDepth * (nc + T.tileColumns))
    defer { packedB.deallocate() }
    let packedA = UnsafeMutablePointer<T>.allocate(capacity: threads * (T.blockRows + T.tileRows) * T.blockDepth)
    defer { packedA.deallocate() }
    var jc = 0
    while jc < n {
      let ncCurrent = min(nc, n - jc)
      var pc = 0
      while pc < k {
        if stop.isRequested { return }
        let kcCurrent = min(T.blockDepth, k - pc)
        // B's panels, shared among the threads when there are many (with few
        // rows of A, packing B alone on one core left the other idle for a fifth of the product).
        let panels = (ncCurrent + T.tileColumns - 1) / T.tileColumns
        let packers = threads > 1 && kcCurrent * ncCurrent >= 1 << 15 ? min(threads, panels) : 1
        let source = SharedPointers(a: a, b: b, c: c, packedA: packedB)
        let (rowOffset, columnOffset) = (pc, jc)
        let packPanels: @Sendable (Int) -> Void = { part in
          let first = panels * part / packers * T.tileColumns
          let end = min(ncCurrent, panels * (part + 1) / packers * T.tileColumns)
          guard first < end else { return }
          let target = source.packedA + first * kcCurrent
          if transposeB {
            packBTransposed(
              source.b + (columnOffset + first) * k + rowOffset, ldb: k, rows: kcCurrent, columns: end - first,
              into: target)
          } else {
            packB(
              source.b + rowOffset * n + columnOffset + first, ldb: n, rows: kcCurrent, columns: end - first,
              into: target)
          }
        }
        if packers > 1 {
          parallelPerform(iterations: packers, execute: packPanels)
        } else {
          packPanels(0)
        }
        let shared = SharedPointers(a: a, b: packedB, c: c, packedA: packedA)
        let overwrite = pc == 0
        // Blocks go to whichever thread is free (not thread i to blocks i,
        // i + threads, …): a core slowed by a neighbour takes fewer, and the
        // other does not wait for it.
        let next = BlockCounter()
        let work: @Sendable (Int) -> Void = { thread in
          let myA = shared.packedA + thread * (T.blockRows + T.tileRows) * T.blockDepth
          while true {
            let block = next.take()
            let ic = block * blockRows
            if ic >= m { break }
            let mcCurrent = min(blockRows, m - ic)
            T.macroKernel(
              transposeA ? shared.a + rowOffset * m + ic : shared.a + ic * k + rowOffset, step: transposeA ? m : 1,
              rowStride: transposeA ? 1 : k, shared.b, shared.c + ic * n + columnOffset, ldc: n, m: mcCurrent,
              n: ncCurrent, k: kcCurrent, overwrite: overwrite, scratch: myA, wide: wideTiles)
          }
        }
        if threads > 1 {
          parallelPerform(iterations: threads, execute: work)
        } else {
          work(0)
        }
        pc += kcCurrent
      }
      jc += ncCurrent
    }
  }

  /// The next block of rows to compute, shared by the threads of a product.
  final class BlockCounter: Sendable {
    private let next = Atomic<Int>(0)
    /// A block no other thread has taken.
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
  }

  /// The buffers the threads share; each thread writes only its own rows
  /// of C and its own part of the A packing buffer.
  ///
  /// Unchecked: raw pointers are not Sendable. Safe because A and B are only
  /// read, the writes are to disjoint parts, and the buffers outlive the
  /// parallel section, which returns when every thread is done.
  struct SharedPointers<T>: @unchecked Sendable {
    let a: UnsafePointer<T>
    let b: UnsafePointer<T>
    let c: UnsafeMutablePointer<T>
    let packedA: UnsafeMutablePointer<T>
  }

  /// The threads a product may use: the processors online, fewer when the
  /// container's CPU quota (cgroup v2's `cpu.max`) allows less — a
  /// container given 1.5 of 64 cores runs on 2 threads, not 64 that the
  /// scheduler would throttle.
  static let activeProcessorCount: Int = {
    #if canImport(Glibc) || canImport(Darwin)
      let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
      let online = 1
    #endif
    let quota = (try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)).flatMap(cpuQuota)
    return min(online, quota ?? online, ComputeSettings.maximumThreads ?? online)
  }()

  /// The whole processors a cgroup v2 `cpu.max` line allows (`"150000 100000"`
  /// → 2), or `nil` for no limit (`"max 100000"`) or a line it cannot read.
  static func cpuQuota(_ line: String) -> Int? {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]), quota > 0, period > 0
    else { return nil }
    return max(1, Int((quota / period).rounded(.up)))
  }

  /// Copies a `rows × columns` block of B into panels of `nr` columns:
  /// panel q holds, for each row p, the values B[p, q·nr ..< q·nr+nr] (zero-padded).
  static func packB<T: KernelElement>(
    _ b: UnsafePointer<T>, ldb: Int, rows: Int, columns: Int, into packed: UnsafeMutablePointer<T>
  ) {
    T.packColumnPanels(b, ld: ldb, rows: rows, columns: columns, width: T.tileColumns, into: packed)
  }

  /// A new buffer holding the transpose of a `rows × columns` matrix (the caller deallocates it).
  static func transposedCopy<T: KernelElement>(_ x: UnsafePointer<T>, rows: Int, columns: Int) -> UnsafeMutablePointer<
    T
  > {
    let result = UnsafeMutablePointer<T>.allocate(capacity: rows * columns)
    for i in 0..<rows {
      for j in 0..<columns { result[j * rows + i] = x[i * columns + j] }
    }
    return result
  }

  /// As ``packB(_:ldb:rows:columns:into:)`` for a B stored transposed:
  /// logical `B[p, q]` is at `b[q · ldb + p]` — the stored matrix packed in panels of rows.
  static func packBTransposed<T: KernelElement>(
    _ b: UnsafePointer<T>, ldb: Int, rows: Int, columns: Int, into packed: UnsafeMutablePointer<T>
  ) {
    T.packRowPanels(b, ld: ldb, rows: columns, columns: rows, height: T.tileColumns, into: packed)
  }

  /// As ``packA(_:lda:rows:columns:into:)`` for an A stored transposed:
  /// logical `A[r, p]` is at `a[p · lda + r]` — the stored matrix packed in panels of columns.
  static func packATransposed<T: KernelElement>(
    _ a: UnsafePointer<T>, lda: Int, rows: Int, columns: Int, into packed: UnsafeMutablePointer<T>
  ) {
    T.packColumnPanels(a, ld: lda, rows: columns, columns: rows, width: T.tileRows, into: packed)
  }

  /// Copies a `rows × columns` block of A into panels of `mr` rows:
  /// panel r holds, for each column p, the values A[r·mr ..< r·mr+mr, p] (zero-padded).
  static func packA<T: KernelElement>(
    _ a: UnsafePointer<T>, lda: Int, rows: Int, columns: Int, into packed: UnsafeMutablePointer<T>
  ) {
    T.packRowPanels(a, ld: lda, rows: rows, columns: columns, height: T.tileRows, into: packed)
  }

  typealias MicroKernel =
    @convention(c) (Int, UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int32)
    -> Void

  /// The fused multiply-add kernel where the processor has it, else the portable one.
  static let microKernel: MicroKernel =
    Processor.hasFusedMultiplyAdd ? attn_microkernel_6x8_fma : attn_microkernel_6x8_portable

  /// Runs the micro-kernels over every tile of an `m × n` block of C: with
  /// `wide` (AVX-512), 12×16 tiles (two panels of A by two of B) wherever
  /// they fit, and `mr × nr` tiles for the rest.
  static func macroKernel(
    _ packedA: UnsafePointer<Double>, _ packedB: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool, wide: Bool = Processor.hasAVX512
  ) {
    let kernel = microKernel
    packedMacroKernel(
      packedA, packedB, c, ldc: ldc, m: m, n: n, k: k, overwrite: overwrite, wide: wide,
      kernel: { kernel($0, $1, $2, $3, $4, $5) },
      wideKernel: { attn_microkernel_12x16_avx512($0, $1, $2, $3, $4, $5, $6, $7) })
  }

  /// The tiles of an `m × n` block of C from packed panels of A
  /// (`T.tileRows` rows each) and of B (`T.tileColumns` columns each):
  /// `kernel` computes one tile (a panel of each) into C, its rows `ldc`
  /// apart, storing with the flag 1 and adding with 0; with `wide`,
  /// `wideKernel` computes a tile twice as high and wide from two panels of
  /// each (A's upper and lower, B's left and right) wherever one fits. Tiles
  /// at the edges go through ``edgeTile(into:ldc:height:width:overwrite:_:)``.
  @inline(__always)
  static func packedMacroKernel<T: KernelElement>(
    _ packedA: UnsafePointer<T>, _ packedB: UnsafePointer<T>, _ c: UnsafeMutablePointer<T>, ldc: Int, m: Int,
    n: Int, k: Int, overwrite: Bool, wide: Bool,
    kernel: (Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int, Int32) -> Void,
    wideKernel: (
      Int, UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>, Int, Int32
    ) -> Void
  ) {
    let (mr, nr) = (T.tileRows, T.tileColumns)
    let flag: Int32 = overwrite ? 1 : 0
    // Panel p of A starts at p·mr·k, so the one holding row i (a multiple
    // of mr) at i·k; likewise B's at column j.
    func tile(row i: Int, column j: Int) {
      let (height, width) = (min(mr, m - i), min(nr, n - j))
      let (a, b) = (packedA + i * k, packedB + j * k)
      if height == mr && width == nr {
        kernel(k, a, b, c + i * ldc + j, ldc, flag)
        return
      }
      edgeTile(into: c + i * ldc + j, ldc: ldc, height: height, width: width, overwrite: overwrite) { scratch in
        kernel(k, a, b, scratch, nr, 1)
      }
    }
    var j = 0
    while j < n {
      if wide && n - j >= 2 * nr {
        let b = packedB + j * k
        var i = 0
        while m - i >= 2 * mr {
          let a = packedA + i * k
          wideKernel(k, a, a + mr * k, b, b + nr * k, c + i * ldc + j, ldc, flag)
          i += 2 * mr
        }
        // The rows left below the wide tiles, in both panels of B.
        for row in stride(from: i, to: m, by: mr) {
          tile(row: row, column: j)
          tile(row: row, column: j + nr)
        }
        j += 2 * nr
        continue
      }
      for row in stride(from: 0, to: m, by: mr) { tile(row: row, column: j) }
      j += nr
    }
  }

  typealias TransposedKernel =
    @convention(c) (
      Int, UnsafePointer<Double>?, Int, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int32
    ) -> Void

  static let transposedKernel: TransposedKernel =
    Processor.hasFusedMultiplyAdd ? attn_microkernel_columns_6x8_fma : attn_microkernel_columns_6x8_portable

  /// As ``macroKernel(_:_:_:ldc:m:n:k:overwrite:wide:)`` with A read in place
  /// instead of packed, stored transposed (`A[r, p]` at `a[p·lda + r]`): for
  /// an A made just before the product (attention's weights), whose packing
  /// would cost as much as the product. Columns of that storage up to `m`
  /// rounded up to 12 must be readable; those past `m` only feed parts of
  /// tiles that are not written.
  static func macroKernel(
    transposedInPlace a: UnsafePointer<Double>, lda: Int, _ packedB: UnsafePointer<Double>,
    _ c: UnsafeMutablePointer<Double>, ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool
  ) {
    let flag: Int32 = overwrite ? 1 : 0
    let kernel = transposedKernel
    func tile(row i: Int, column j: Int) {
      let height = min(mr, m - i)
      let width = min(nr, n - j)
      let b = packedB + (j / nr) * nr * k
      if height == mr && width == nr {
        kernel(k, a + i, lda, b, c + i * ldc + j, ldc, flag)
        return
      }
      edgeTile(into: c + i * ldc + j, ldc: ldc, height: height, width: width, overwrite: overwrite) { scratch in
        kernel(k, a + i, lda, b, scratch, nr, 1)
      }
    }
    var j = 0
    while j < n {
      var i = 0
      if Processor.hasAVX512 && n - j >= 2 * nr {
        let b = packedB + (j / nr) * nr * k
        while m - i >= 2 * mr {
          attn_microkernel_columns_12x16_avx512(k, a + i, lda, b, b + nr * k, c + i * ldc + j, ldc, flag)
          i += 2 * mr
        }
        for row in stride(from: i, to: m, by: mr) {
          tile(row: row, column: j)
          tile(row: row, column: j + nr)
        }
        j += 2 * nr
        continue
      }
      while i < m {
        tile(row: i, column: j)
        i += mr
      }
      j += nr
    }
  }

  /// An edge tile: `compute` writes a whole `tileRows × tileColumns` tile
  /// into a scratch buffer on the stack (its rows `tileColumns` apart), and
  /// the `height × width` part that exists is stored at `c` (added to it,
  /// unless `overwrite`).
  @inline(__always)
  static func edgeTile<T: KernelElement>(
    into c: UnsafeMutablePointer<T>, ldc: Int, height: Int, width: Int, overwrite: Bool,
    _ compute: (UnsafeMutablePointer<T>) -> Void
  ) {
    let columns = T.tileColumns
    withUnsafeTemporaryAllocation(of: T.self, capacity: T.tileRows * columns) { buffer in
      guard let scratch = buffer.baseAddress else { return }
      compute(scratch)
      for r in 0..<height {
        for q in 0..<width {
          let target = c + r * ldc + q
          target.pointee = overwrite ? scratch[r * columns + q] : target.pointee + scratch[r * columns + q]
        }
      }
    }
  }
}
