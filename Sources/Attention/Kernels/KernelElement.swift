import _AttentionKernels

/// An element type the blocked matrix product runs on: its register tile
/// (`tileRows × tileColumns` of C held in SIMD registers) and the
/// micro-kernels that compute it. float64 uses 6 × 8 tiles (12 × 16 with
/// AVX-512); float32 uses 6 × 16, twice the columns in the same registers
/// (12 × 32 with AVX-512). Panels are packed for the small tiles; the
/// AVX-512 kernels read two panels of B at once.
protocol KernelElement: BinaryFloatingPoint, Sendable, BitwiseCopyable {
  /// Rows of a packed panel of A: the tile's height.
  static var tileRows: Int { get }
  /// Columns of a packed panel of B: the tile's width.
  static var tileColumns: Int { get }
  /// Steps of k packed at once (`kc`): a panel of A and one of B stay in L1.
  static var blockDepth: Int { get }
  /// Rows of A packed at once (`mc`, a multiple of `tileRows`): the block stays in L2.
  static var blockRows: Int { get }
  /// `C = A·B` without packing, for small products (`attn_small_product_…`).
  static func smallProduct(
    _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, _ c: UnsafeMutablePointer<Self>, m: Int, k: Int, n: Int,
    transposedA: Bool, transposedB: Bool)
  /// Runs the micro-kernels over every tile of an `m × n` block of C from a
  /// block of A where it is stored — `A[r, p]` at `a[r · rowStride + p · step]`,
  /// with `step` 1 (A as stored) or `rowStride` 1 (A stored transposed) — and
  /// packed panels of B (see ``MatrixKernel``). `scratch` holds
  /// `(blockRows + tileRows) · blockDepth` elements for what it packs of A.
  /// `wide` runs the AVX-512 tiles (only where ``Processor/hasAVX512``).
  static func macroKernel(
    _ a: UnsafePointer<Self>, step: Int, rowStride: Int, _ packedB: UnsafePointer<Self>,
    _ c: UnsafeMutablePointer<Self>, ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool,
    scratch: UnsafeMutablePointer<Self>, wide: Bool)
  /// Packs a `rows × columns` block into panels of `height` rows (`attn_pack_row_panels_…`).
  static func packRowPanels(
    _ source: UnsafePointer<Self>, ld: Int, rows: Int, columns: Int, height: Int,
    into packed: UnsafeMutablePointer<Self>)
  /// Packs a `rows × columns` block into panels of `width` columns (`attn_pack_column_panels_…`).
  static func packColumnPanels(
    _ source: UnsafePointer<Self>, ld: Int, rows: Int, columns: Int, width: Int, into packed: UnsafeMutablePointer<Self>
  )
}

extension KernelElement {
  /// Copies `rows` rows of A (read as for the macro-kernel) into panels of
  /// `tileRows` rows, zero-padded.
  static func packPanels(
    of a: UnsafePointer<Self>, step: Int, rowStride: Int, rows: Int, k: Int, into packed: UnsafeMutablePointer<Self>
  ) {
    if step == 1 {
      packRowPanels(a, ld: rowStride, rows: rows, columns: k, height: tileRows, into: packed)
    } else {
      packColumnPanels(a, ld: step, rows: k, columns: rows, width: tileRows, into: packed)
    }
  }
}

extension Double: KernelElement {
  static var tileRows: Int { MatrixKernel.mr }
  static var tileColumns: Int { MatrixKernel.nr }
  static var blockDepth: Int { MatrixKernel.kc }
  static var blockRows: Int { MatrixKernel.mc }
  /// Packs the block of A into `scratch` (the float64 kernels read packed
  /// panels), then runs ``MatrixKernel/macroKernel(_:_:_:ldc:m:n:k:overwrite:wide:)``.
  static func macroKernel(
    _ a: UnsafePointer<Double>, step: Int, rowStride: Int, _ packedB: UnsafePointer<Double>,
    _ c: UnsafeMutablePointer<Double>, ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool,
    scratch: UnsafeMutablePointer<Double>, wide: Bool
  ) {
    packPanels(of: a, step: step, rowStride: rowStride, rows: m, k: k, into: scratch)
    MatrixKernel.macroKernel(scratch, packedB, c, ldc: ldc, m: m, n: n, k: k, overwrite: overwrite, wide: wide)
  }

  static func smallProduct(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>, m: Int, k: Int,
    n: Int, transposedA: Bool, transposedB: Bool
  ) {
    attn_small_product_float64(m, k, n, a, b, c, transposedA ? 1 : 0, transposedB ? 1 : 0)
  }

  static func packRowPanels(
    _ source: UnsafePointer<Double>, ld: Int, rows: Int, columns: Int, height: Int,
    into packed: UnsafeMutablePointer<Double>
  ) {
    attn_pack_row_panels_float64(source, ld, rows, columns, height, packed)
  }

  static func packColumnPanels(
    _ source: UnsafePointer<Double>, ld: Int, rows: Int, columns: Int, width: Int,
    into packed: UnsafeMutablePointer<Double>
  ) {
    attn_pack_column_panels_float64(source, ld, rows, columns, width, packed)
  }
}

extension Float: KernelElement {
  static var tileRows: Int { 6 }
  static var tileColumns: Int { 16 }
  // kc = 512 measured best on a two-core AVX2 machine (1024³: 155–163
  // GFLOP/s against 125–139 at float64's 256; mc 48–144 moved it less).
  static var blockDepth: Int { 512 }
  static var blockRows: Int { 72 }

  typealias MicroKernel =
    @convention(c) (Int, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int32)
    -> Void

  /// The fused multiply-add kernel where the processor has it, else the portable one.
  static let microKernel: MicroKernel =
    Processor.hasFusedMultiplyAdd ? attn_single_microkernel_6x16_fma : attn_single_microkernel_6x16_portable

  /// The kernel reading A in place.
  static let stridedMicroKernel =
    Processor.hasFusedMultiplyAdd
    ? attn_single_microkernel_6x16_strided_fma : attn_single_microkernel_6x16_strided_portable

  /// The AVX-512 kernel reading A in place.
  static let wideKernel = attn_single_microkernel_12x32_strided_avx512

  /// Runs the micro-kernels over every tile of the block, reading A where it
  /// is stored (packing A costs a pass over it and saves nothing in these
  /// kernels: their broadcasts are loads either way; only a last, shorter
  /// panel is packed): with `wide` (AVX-512), 12×32 tiles wherever they fit
  /// and 6×16 ones for the rows and columns left over; else 6×16 tiles.
  ///
  /// Twelve rows of A a multiple of 2 KB apart share at most two sets of an
  /// L1 cache (64 sets of 64-byte lines), more lines than its eight ways
  /// hold: such an A (1024 floats a row) is packed for the 12×32 tiles, which
  /// then read it front to back (`A @ A` at 1024: 196–210 GFLOP/s packed; in
  /// place the 12×32 tiles ran slower than the 6×16 ones).
  static func macroKernel(
    _ a: UnsafePointer<Float>, step: Int, rowStride: Int, _ packedB: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool,
    scratch: UnsafeMutablePointer<Float>, wide: Bool
  ) {
    guard wide else {
      narrowMacroKernel(
        a, step: step, rowStride: rowStride, packedB, c, ldc: ldc, m: m, n: n, k: k, overwrite: overwrite,
        scratch: scratch)
      return
    }
    if step == 1 && (rowStride * MemoryLayout<Float>.stride) % 2048 == 0 {
      packPanels(of: a, step: step, rowStride: rowStride, rows: m, k: k, into: scratch)
      wideMacroKernel(scratch, packedB, c, ldc: ldc, m: m, n: n, k: k, overwrite: overwrite)
      return
    }
    let nr = tileColumns
    let flag: Int32 = overwrite ? 1 : 0
    let (wideRows, wideColumns) = (m / 12 * 12, n / (2 * nr) * (2 * nr))
    for j in stride(from: 0, to: wideColumns, by: 2 * nr) {
      let b = packedB + j * k
      for i in stride(from: 0, to: wideRows, by: 12) {
        wideKernel(k, a + i * rowStride, step, rowStride, b, b + nr * k, c + i * ldc + j, ldc, flag)
      }
    }
    // The rows below the wide tiles, then the columns right of them.
    if wideRows < m && wideColumns > 0 {
      narrowMacroKernel(
        a + wideRows * rowStride, step: step, rowStride: rowStride, packedB, c + wideRows * ldc, ldc: ldc,
        m: m - wideRows, n: wideColumns, k: k, overwrite: overwrite, scratch: scratch)
    }
    if wideColumns < n {
      narrowMacroKernel(
        a, step: step, rowStride: rowStride, packedB + wideColumns * k, c + wideColumns, ldc: ldc, m: m,
        n: n - wideColumns, k: k, overwrite: overwrite, scratch: scratch)
    }
  }

  /// The 6×16 tiles of a block, A read in place in whole six-row panels and
  /// packed in a last, shorter one.
  static func narrowMacroKernel(
    _ a: UnsafePointer<Float>, step: Int, rowStride: Int, _ packedB: UnsafePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int, overwrite: Bool,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let (mr, nr) = (tileRows, tileColumns)
    let flag: Int32 = overwrite ? 1 : 0
    let whole = m / mr * mr
    if whole < m {
      packPanels(of: a + whole * rowStride, step: step, rowStride: rowStride, rows: m - whole, k: k, into: scratch)
    }
    var j = 0
    while j < n {
      let width = min(nr, n - j)
      let b = packedB + (j / nr) * nr * k
      var i = 0
      while i < whole {
        let panel = a + i * rowStride
        if width == nr {
          stridedMicroKernel(k, panel, step, rowStride, b, c + i * ldc + j, ldc, flag)
        } else {
          MatrixKernel.edgeTile(into: c + i * ldc + j, ldc: ldc, height: mr, width: width, overwrite: overwrite) {
            tile in stridedMicroKernel(k, panel, step, rowStride, b, tile, nr, 1)
          }
        }
        i += mr
      }
      if whole < m {
        MatrixKernel.edgeTile(
          into: c + whole * ldc + j, ldc: ldc, height: m - whole, width: width, overwrite: overwrite
        ) { tile in microKernel(k, scratch, b, tile, nr, 1) }
      }
      j += nr
    }
  }

  /// The tiles of an `m × n` block of C from packed panels of A and B: 12×32
  /// (two panels of each, `attn_single_microkernel_12x32_avx512`) wherever
  /// they fit, the 6×16 kernel for the rows and columns left over. Only where
  /// the processor has AVX-512, for an A whose rows alias in the L1 cache.
  static func wideMacroKernel(
    _ packedA: UnsafePointer<Float>, _ packedB: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, ldc: Int,
    m: Int, n: Int, k: Int, overwrite: Bool
  ) {
    let kernel = microKernel
    MatrixKernel.packedMacroKernel(
      packedA, packedB, c, ldc: ldc, m: m, n: n, k: k, overwrite: overwrite, wide: true,
      kernel: { kernel($0, $1, $2, $3, $4, $5) },
      wideKernel: { attn_single_microkernel_12x32_avx512($0, $1, $2, $3, $4, $5, $6, $7) })
  }

  static func smallProduct(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, k: Int, n: Int,
    transposedA: Bool, transposedB: Bool
  ) {
    attn_small_product_float32(m, k, n, a, b, c, transposedA ? 1 : 0, transposedB ? 1 : 0)
  }

  static func packRowPanels(
    _ source: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int, height: Int,
    into packed: UnsafeMutablePointer<Float>
  ) {
    attn_pack_row_panels_float32(source, ld, rows, columns, height, packed)
  }

  static func packColumnPanels(
    _ source: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int, width: Int,
    into packed: UnsafeMutablePointer<Float>
  ) {
    attn_pack_column_panels_float32(source, ld, rows, columns, width, packed)
  }
}
