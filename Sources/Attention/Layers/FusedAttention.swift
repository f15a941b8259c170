import Dispatch
import Synchronization
import _AttentionKernels

/// Multi-head attention's heads when only their outputs are wanted: the
/// FlashAttention-2 scheme on the CPU. Queries go in blocks of ``rowBlock``
/// and keys in blocks of ``keyBlock``; each pair of blocks makes a tile of
/// scores in a per-thread buffer that stays in the core's cache, folded into
/// a running maximum, sum and output per query (the online softmax of
/// ``flashAttention(_:keys:values:scale:causal:blockSize:)``) before the next
/// tile overwrites it. No `[heads, n, m]` matrix is made: besides the result,
/// memory is the packed keys and values (`O(m·d)`) and a few tiles per
/// thread. Causal attention skips the key blocks a query block cannot see.
///
/// The tile is kept keys × queries (`Sᵀ = K·Qᵀ`): softmax then runs down its
/// columns, vectorized across queries, and the weights need no packing — the
/// product `P·V` reads `Pᵀ` in place as a transposed A. Keys and values are
/// packed once per head; the (head, query block) pairs are shared among the
/// cores.
enum FusedAttention {
  /// Queries per tile: a multiple of the wide kernel's 12 rows and 16
  /// columns (the tile's rows are read 12 at a time past the last query).
  static let rowBlock = 144
  /// Keys per tile: a multiple of the packing panels (8 columns).
  static let keyBlock = 128

  /// The heads' outputs side by side, `[n, heads·dv]`, for the projections
  /// `q` `[n, heads·dk]`, `k` `[m, kvHeads·dk]` and `v` `[m, kvHeads·dv]`;
  /// query head `h` uses key/value head `h / (heads / kvHeads)`. `nil` when
  /// a score is not finite (an overflow): the caller then takes the plain
  /// path, which has the conventions for that.
  static func headOutputs(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int, mask: Tensor?, causal: Bool
  ) throws -> Tensor? {
    let (n, m) = (q.shape[0], k.shape[0])
    let dk = q.shape[1] / heads
    let dv = v.shape[1] / kvHeads
    let group = heads / kvHeads
    let scale = 1 / Double(Swift.max(dk, 1)).squareRoot()
    let maskValues = try mask.map { try $0.broadcast(to: [n, m], operation: "multihead mask").scalars }
    var result = try Tensor.uninitializedStorage([n, heads * dv], operation: "multihead")
    guard n > 0, m > 0, dk > 0, dv > 0 else {
      result.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      return Tensor(unchecked: [n, heads * dv], result)
    }
    let nr = MatrixKernel.nr
    let mr = MatrixKernel.mr
    let dvPadded = (dv + nr - 1) / nr * nr
    let keyBlocks = (m + keyBlock - 1) / keyBlock
    let keyBlockPadded = (keyBlock + 2 * mr - 1) / (2 * mr) * (2 * mr)
    // Per key block: keys in panels of mr keys (the A of Sᵀ = K·Qᵀ), values in
    // panels of nr columns (the B of O += P·V) — the layouts the micro-kernels read.
    let keysPerHead = keyBlocks * keyBlockPadded * dk
    let valuesPerHead = keyBlocks * keyBlock * dvPadded
    let packedKeys = UnsafeMutablePointer<Double>.allocate(capacity: kvHeads * keysPerHead)
    defer { packedKeys.deallocate() }
    let packedValues = UnsafeMutablePointer<Double>.allocate(capacity: kvHeads * valuesPerHead)
    defer { packedValues.deallocate() }
    k.scalars.withUnsafeBufferPointer { keys in
      v.scalars.withUnsafeBufferPointer { values in
        guard let keys = keys.baseAddress, let values = values.baseAddress else { return }
        for head in 0..<kvHeads {
          for block in 0..<keyBlocks {
            let start = block * keyBlock
            let count = Swift.min(keyBlock, m - start)
            MatrixKernel.packA(
              keys + start * kvHeads * dk + head * dk, lda: kvHeads * dk, rows: count, columns: dk,
              into: packedKeys + head * keysPerHead + block * keyBlockPadded * dk)
            MatrixKernel.packB(
              values + start * kvHeads * dv + head * dv, ldb: kvHeads * dv, rows: count, columns: dv,
              into: packedValues + head * valuesPerHead + block * keyBlock * dvPadded)
          }
        }
      }
    }
    let queryBlocks = (n + rowBlock - 1) / rowBlock
    let units = heads * queryBlocks
    let threads = Swift.max(1, Swift.min(MatrixKernel.activeProcessorCount, units))
    let next = Atomic<Int>(0)
    let overflow = Atomic<Bool>(false)
    let stop = ExecutionContext.current.stop
    let shared = Shared(packedKeys: packedKeys, packedValues: packedValues)
    let queriesPadded = (rowBlock + nr - 1) / nr * nr
    result.withUnsafeMutableBufferPointer { output in
      guard let outputBase = output.baseAddress else { return }
      let out = SharedBuffer(base: outputBase)
      q.scalars.withUnsafeBufferPointer { queries in
        guard let queries = queries.baseAddress else { return }
        let queryBase = SharedConstant(base: queries)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
          // This thread's tiles: scores and weights kept keys × queries (Sᵀ,
          // Pᵀ), so softmax runs down columns, vectorized across queries,
          // and Pᵀ is read in place as the transposed A of P·V.
          let tile = UnsafeMutablePointer<Double>.allocate(capacity: keyBlockPadded * rowBlock)
          tile.initialize(repeating: 0, count: keyBlockPadded * rowBlock)
          let packedQueries = UnsafeMutablePointer<Double>.allocate(capacity: queriesPadded * dk)
          let accumulated = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock * dv)
          let running = UnsafeMutablePointer<Double>.allocate(capacity: 6 * rowBlock)
          let (runningMax, runningSum, blockMax, shift, sums, rescale) = (
            running, running + rowBlock, running + 2 * rowBlock, running + 3 * rowBlock, running + 4 * rowBlock,
            running + 5 * rowBlock
          )
          defer {
            tile.deallocate()
            packedQueries.deallocate()
            accumulated.deallocate()
            running.deallocate()
          }
          while true {
            let unit = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if unit >= units || stop.isRequested || overflow.load(ordering: .relaxed) { return }
            let head = unit % heads
            let firstRow = (unit / heads) * rowBlock
            let rows = Swift.min(rowBlock, n - firstRow)
            let kvHead = head / group
            runningMax.update(repeating: -.infinity, count: rows)
            runningSum.update(repeating: 0, count: rows)
            accumulated.update(repeating: 0, count: rows * dv)
            // Causal: the block's last query sees keys up to its own index.
            let keyEnd = causal ? Swift.min(m, firstRow + rows) : m
            MatrixKernel.packBTransposed(
              queryBase.base + firstRow * heads * dk + head * dk, ldb: heads * dk, rows: dk, columns: rows,
              into: packedQueries)
            var start = 0
            while start < keyEnd {
              let blockRows = Swift.min(keyBlock, m - start)
              let visible = Swift.min(keyBlock, keyEnd - start)
              // Sᵀ for the tile: K block · Q blockᵀ, keys × queries.
              MatrixKernel.macroKernel(
                shared.packedKeys + kvHead * keysPerHead + (start / keyBlock) * keyBlockPadded * dk, packedQueries,
                tile, ldc: rowBlock, m: visible, n: rows, k: dk, overwrite: true)
              if causal {
                // Key start + j is hidden from the queries before it: a prefix of its row.
                for j in 0..<visible {
                  let hidden = Swift.min(rows, Swift.max(0, start + j - firstRow))
                  if hidden > 0 { (tile + j * rowBlock).update(repeating: -.infinity, count: hidden) }
                }
              }
              if let maskValues {
                for j in 0..<visible {
                  for i in 0..<rows where maskValues[(firstRow + i) * m + start + j] == 0 {
                    tile[j * rowBlock + i] = -.infinity
                  }
                }
              }
              if Processor.columnMaximum(tile, visible, rows, rowBlock, blockMax) != 0 {
                overflow.store(true, ordering: .relaxed)
                return
              }
              for i in 0..<rows {
                if blockMax[i] == .infinity {
                  overflow.store(true, ordering: .relaxed)
                  return
                }
                let newMax = Swift.max(runningMax[i], blockMax[i])
                // A column with nothing visible yet: its exponentials are exp(−inf) = 0.
                shift[i] = newMax == -.infinity ? 0 : newMax
                rescale[i] = runningMax[i] == -.infinity ? 0 : cExp((runningMax[i] - newMax) * scale)
                runningMax[i] = newMax
              }
              sums.update(repeating: 0, count: rows)
              Processor.exponentiateColumns(tile, visible, rows, rowBlock, shift, scale, sums)
              // Keys past the last visible one weigh nothing.
              if visible < blockRows {
                (tile + visible * rowBlock).update(repeating: 0, count: (blockRows - visible) * rowBlock)
              }
              for i in 0..<rows {
                runningSum[i] = runningSum[i] * rescale[i] + sums[i]
                if rescale[i] != 1 {
                  let target = accumulated + i * dv
                  for c in 0..<dv { target[c] *= rescale[i] }
                }
              }
              // Output += P · V block, P read in place from Pᵀ.
              MatrixKernel.macroKernel(
                transposedInPlace: tile, lda: rowBlock,
                shared.packedValues + kvHead * valuesPerHead + (start / keyBlock) * keyBlock * dvPadded,
                accumulated, ldc: dv, m: rows, n: dv, k: blockRows, overwrite: false)
              start += keyBlock
            }
            for row in 0..<rows {
              let total = runningSum[row]
              let inverse = total > 0 ? 1 / total : 0
              let target = out.base + (firstRow + row) * heads * dv + head * dv
              let source = accumulated + row * dv
              for c in 0..<dv { target[c] = source[c] * inverse }
            }
          }
        }
      }
    }
    try ExecutionContext.current.checkStop()
    if overflow.load(ordering: .relaxed) { return nil }
    return Tensor(unchecked: [n, heads * dv], result)
  }

  /// The packed keys and values the threads read.
  struct Shared: @unchecked Sendable {
    let packedKeys: UnsafeMutablePointer<Double>
    let packedValues: UnsafeMutablePointer<Double>
  }

  struct SharedConstant: @unchecked Sendable {
    let base: UnsafePointer<Double>
  }
}
