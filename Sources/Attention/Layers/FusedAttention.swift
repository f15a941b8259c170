import Dispatch
import Synchronization
import _AttentionKernels

/// Multi-head attention's heads when only their outputs are wanted: the
/// FlashAttention-2 scheme on the CPU. Queries go in blocks of ``rowBlock``
/// rows and keys in blocks of ``keyBlock``; each pair of blocks makes a
/// `rowBlock × keyBlock` tile of scores in a per-thread buffer that stays in
/// the core's cache, folded into a running maximum, sum and output per row
/// (the online softmax of ``flashAttention(_:keys:values:scale:causal:blockSize:)``)
/// before the next tile overwrites it. No `[heads, n, m]` matrix is made:
/// besides the result, memory is the packed keys and values (`O(m·d)`) and
/// a few tiles per thread. Causal attention skips the key blocks a query
/// block cannot see.
///
/// The products run on the matrix kernel's micro-kernels with the keys and
/// values packed once per head; the (head, query block) pairs are shared
/// among the cores.
enum FusedAttention {
  /// Queries per tile: a multiple of the 12-row wide kernel's height.
  static let rowBlock = 72
  /// Keys per tile: a multiple of the 16-column wide kernel's width.
  static let keyBlock = 256

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
    // Keys as Kᵀ in panels of nr keys (all of dk per panel); values per key
    // block in panels of nr columns — the layouts the micro-kernels read.
    let keysPerHead = (m + nr - 1) / nr * nr * dk
    let valuesPerHead = keyBlocks * keyBlock * dvPadded
    let packedKeys = UnsafeMutablePointer<Double>.allocate(capacity: kvHeads * keysPerHead)
    defer { packedKeys.deallocate() }
    let packedValues = UnsafeMutablePointer<Double>.allocate(capacity: kvHeads * valuesPerHead)
    defer { packedValues.deallocate() }
    k.scalars.withUnsafeBufferPointer { keys in
      v.scalars.withUnsafeBufferPointer { values in
        guard let keys = keys.baseAddress, let values = values.baseAddress else { return }
        for head in 0..<kvHeads {
          MatrixKernel.packBTransposed(
            keys + head * dk, ldb: kvHeads * dk, rows: dk, columns: m, into: packedKeys + head * keysPerHead)
          for block in 0..<keyBlocks {
            let start = block * keyBlock
            MatrixKernel.packB(
              values + start * kvHeads * dv + head * dv, ldb: kvHeads * dv, rows: Swift.min(keyBlock, m - start),
              columns: dv, into: packedValues + head * valuesPerHead + block * keyBlock * dvPadded)
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
    let packedRows = (rowBlock + 2 * mr - 1) / (2 * mr) * (2 * mr)
    result.withUnsafeMutableBufferPointer { output in
      guard let outputBase = output.baseAddress else { return }
      let out = SharedBuffer(base: outputBase)
      q.scalars.withUnsafeBufferPointer { queries in
        guard let queries = queries.baseAddress else { return }
        let queryBase = SharedConstant(base: queries)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
          // This thread's tiles.
          // Rows past the block's last are read (not used) by the 12-row kernel: zero them once.
          let scores = UnsafeMutablePointer<Double>.allocate(capacity: packedRows * keyBlock)
          scores.initialize(repeating: 0, count: packedRows * keyBlock)
          let packedA = UnsafeMutablePointer<Double>.allocate(capacity: packedRows * dk)
          let accumulated = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock * dv)
          let runningMax = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock)
          let runningSum = UnsafeMutablePointer<Double>.allocate(capacity: rowBlock)
          defer {
            scores.deallocate()
            packedA.deallocate()
            accumulated.deallocate()
            runningMax.deallocate()
            runningSum.deallocate()
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
            MatrixKernel.packA(
              queryBase.base + firstRow * heads * dk + head * dk, lda: heads * dk, rows: rows, columns: dk,
              into: packedA)
            var start = 0
            while start < keyEnd {
              let blockRows = Swift.min(keyBlock, m - start)
              let columns = Swift.min(keyBlock, keyEnd - start)
              // Scores of the tile: Q block · Kᵀ block.
              MatrixKernel.macroKernel(
                packedA, shared.packedKeys + kvHead * keysPerHead + start * dk, scores, ldc: keyBlock, m: rows,
                n: columns, k: dk, overwrite: true)
              for row in 0..<rows {
                let query = firstRow + row
                let tile = scores + row * keyBlock
                let visible = causal ? Swift.max(0, Swift.min(columns, query - start + 1)) : columns
                if let maskValues {
                  let offset = query * m + start
                  for j in 0..<visible where maskValues[offset + j] == 0 { tile[j] = -.infinity }
                }
                let blockMax = Processor.maximum(tile, visible)
                if blockMax.isNaN || blockMax == .infinity {
                  overflow.store(true, ordering: .relaxed)
                  return
                }
                let newMax = Swift.max(runningMax[row], blockMax)
                if newMax == -.infinity {
                  // Nothing visible yet: the row's output stays 0.
                  tile.update(repeating: 0, count: blockRows)
                  continue
                }
                let sum = Processor.exponentiate(tile, visible, newMax, scale)
                if visible < blockRows { (tile + visible).update(repeating: 0, count: blockRows - visible) }
                let rescale = runningMax[row] == -.infinity ? 0 : cExp((runningMax[row] - newMax) * scale)
                runningSum[row] = runningSum[row] * rescale + sum
                runningMax[row] = newMax
                if rescale != 1 {
                  let target = accumulated + row * dv
                  for c in 0..<dv { target[c] *= rescale }
                }
              }
              // Output += P · V block (P's columns past the visible keys are
              // 0), P read in place: packing it would cost as much as the product.
              MatrixKernel.macroKernelRows(
                scores, lda: keyBlock,
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
