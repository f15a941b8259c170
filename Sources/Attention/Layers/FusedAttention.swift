import Synchronization
import _AttentionKernels

/// Multi-head attention's heads when only their outputs are wanted: the
/// FlashAttention-2 scheme on the CPU. Queries go in blocks of ``rowBlock``
/// and keys in blocks of ``keyBlock``; each pair of blocks makes a tile of
/// scores in a per-thread buffer that stays in the core's cache, folded into
/// a running maximum, sum and output per query (the online softmax of
/// ``flashAttention(_:keys:values:scale:causal:blockSize:observe:)``) before the next
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

  /// The ``AttentionSchedule/tiled`` schedule: the heads' outputs side by
  /// side (`[n, heads·dv]`, or one head's own shape), recorded under a
  /// gradient with the fused backward of ``gradients(of:output:statistics:gradient:)``.
  /// `nil` when a score is not finite (an overflow): the caller then takes
  /// the reference, which has the conventions for that.
  static func output(_ problem: AttentionProblem) throws -> Tensor? {
    var problem = problem
    let single = problem.singleQuery
    if single { problem.queries = try problem.queries.reshaped([1, problem.dk]) }
    let tape = Tape.recording([problem.queries, problem.keys, problem.values])
    var statistics =
      tape == nil ? [] : try Tensor.uninitializedStorage([problem.heads, problem.n], operation: "attention")
    // (An empty array's buffer has an address too: none is passed without a tape.)
    guard
      let result = try statistics.withUnsafeMutableBufferPointer({
        try forward(problem, statistics: tape == nil ? nil : $0.baseAddress)
      })
    else { return nil }
    var output = result
    if let tape {
      let saved = (problem, statistics)
      output = tape.record(result, "attention", inputs: [problem.queries, problem.keys, problem.values]) {
        gradient, gradients in
        let (dq, dk, dv) = try FusedAttention.gradients(
          of: saved.0, output: result, statistics: saved.1, gradient: gradient)
        gradients.add(dq, to: saved.0.queries)
        gradients.add(dk, to: saved.0.keys)
        gradients.add(dv, to: saved.0.values)
      }
    }
    return single ? try output.reshaped([problem.dv]) : output
  }

  /// The tiled forward pass, `[n, heads·dv]`; with `statistics`, each
  /// (head, query)'s log-sum-exp of its scaled scores (−inf for a query that
  /// sees nothing) for the backward pass.
  static func forward(_ problem: AttentionProblem, statistics: UnsafeMutablePointer<Double>?) throws -> Tensor? {
    let (q, k, v) = (problem.queries.untracked, problem.keys.untracked, problem.values.untracked)
    let (heads, kvHeads, n, m, dk, dv) = (problem.heads, problem.kvHeads, problem.n, problem.m, problem.dk, problem.dv)
    let (group, scale, causal) = (problem.group, problem.scale, problem.causal)
    let maskValues = try problem.maskValues()
    var result = try Tensor.uninitializedStorage([n, heads * dv], operation: problem.operation)
    guard n > 0, m > 0, dk > 0, dv > 0 else {
      result.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
      statistics?.update(repeating: -.infinity, count: heads * n)
      return Tensor(unchecked: [n, heads * dv], result)
    }
    if heads * n * m * max(dk, dv) < smallWork {
      let finite = small(problem, q.scalars, k.scalars, v.scalars, mask: maskValues, into: &result, statistics)
      return finite ? Tensor(unchecked: [n, heads * dv], result) : nil
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
            let count = min(keyBlock, m - start)
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
    // Small problems run on one core: starting threads would cost more.
    let threads =
      heads * n * m * dk < 1 << 15 ? 1 : max(1, min(MatrixKernel.activeProcessorCount, units))
    let next = Atomic<Int>(0)
    let overflow = Atomic<Bool>(false)
    let stop = ExecutionContext.current.stop
    let shared = Shared(packedKeys: packedKeys, packedValues: packedValues, statistics: statistics)
    let queriesPadded = (rowBlock + nr - 1) / nr * nr
    result.withUnsafeMutableBufferPointer { output in
      guard let outputBase = output.baseAddress else { return }
      let out = SharedBuffer(base: outputBase)
      q.scalars.withUnsafeBufferPointer { queries in
        guard let queries = queries.baseAddress else { return }
        let queryBase = SharedConstant(base: queries)
        parallelPerform(iterations: threads) { _ in
          // This thread's tiles: scores and weights kept keys × queries (Sᵀ,
          // Pᵀ), so softmax runs down columns, vectorized across queries,
          // and Pᵀ is read in place as the transposed A of P·V.
          // Only the rows keys can fill (in whole panels) are ever used: a
          // short problem makes those, not the whole 147 KB tile.
          let tileRows = min(keyBlockPadded, (m + 2 * mr - 1) / (2 * mr) * (2 * mr))
          let tile = UnsafeMutablePointer<Double>.allocate(capacity: tileRows * rowBlock)
          tile.initialize(repeating: 0, count: tileRows * rowBlock)
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
            let rows = min(rowBlock, n - firstRow)
            let kvHead = head / group
            runningMax.update(repeating: -.infinity, count: rows)
            runningSum.update(repeating: 0, count: rows)
            accumulated.update(repeating: 0, count: rows * dv)
            // Causal: the block's last query sees keys up to its own index.
            let keyEnd = causal ? min(m, firstRow + rows) : m
            MatrixKernel.packBTransposed(
              queryBase.base + firstRow * heads * dk + head * dk, ldb: heads * dk, rows: dk, columns: rows,
              into: packedQueries)
            var start = 0
            while start < keyEnd {
              let blockRows = min(keyBlock, m - start)
              let visible = min(keyBlock, keyEnd - start)
              // Sᵀ for the tile: K block · Q blockᵀ, keys × queries.
              MatrixKernel.macroKernel(
                shared.packedKeys + kvHead * keysPerHead + (start / keyBlock) * keyBlockPadded * dk, packedQueries,
                tile, ldc: rowBlock, m: visible, n: rows, k: dk, overwrite: true)
              if causal {
                // Key start + j is hidden from the queries before it: a prefix of its row.
                for j in 0..<visible {
                  let hidden = min(rows, max(0, start + j - firstRow))
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
                let newMax = max(runningMax[i], blockMax[i])
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
              shared.statistics?[head * n + firstRow + row] =
                total > 0 ? runningMax[row] * scale + cLog(total) : -.infinity
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

  /// Below this much work (heads·n·m·d) packing tiles costs more than it
  /// saves: the forward pass goes query by query (``small(_:_:_:_:mask:into:_:)``).
  static let smallWork = 1 << 14

  /// The forward pass of a small problem, one query at a time with a plain
  /// softmax: what a training step of a tiny model runs. False when a score
  /// is not finite (the caller then takes the reference).
  static func small(
    _ problem: AttentionProblem, _ q: TensorBuffer<Double>, _ k: TensorBuffer<Double>, _ v: TensorBuffer<Double>,
    mask: TensorBuffer<Double>?, into result: inout TensorBuffer<Double>, _ statistics: UnsafeMutablePointer<Double>?
  ) -> Bool {
    let (heads, kvHeads, n, m, dk, dv) = (problem.heads, problem.kvHeads, problem.n, problem.m, problem.dk, problem.dv)
    let (scale, causal, group) = (problem.scale, problem.causal, problem.group)
    // Shapes were checked when the problem was built: read through pointers,
    // without a bounds check per multiply (these loops are all a tiny step is).
    let weights = UnsafeMutablePointer<Double>.allocate(capacity: max(m, 1))
    defer { weights.deallocate() }
    return q.withUnsafeBufferPointer { qBuffer in
      k.withUnsafeBufferPointer { kBuffer in
        v.withUnsafeBufferPointer { vBuffer in
          result.withUnsafeMutableBufferPointer { resultBuffer in
            guard let q = qBuffer.baseAddress, let k = kBuffer.baseAddress, let output = resultBuffer.baseAddress,
              let v = vBuffer.baseAddress ?? (m == 0 ? UnsafePointer(weights) : nil)
            else { return n == 0 || m == 0 }
            for head in 0..<heads {
              let kvHead = head / group
              for i in 0..<n {
                let query = q + i * heads * dk + head * dk
                var largest = -Double.infinity
                let visible = causal ? min(i + 1, m) : m
                for j in 0..<m {
                  var score = -Double.infinity
                  if j < visible, mask.map({ $0[i * m + j] != 0 }) ?? true {
                    let key = k + j * kvHeads * dk + kvHead * dk
                    score = 0
                    for c in 0..<dk { score += query[c] * key[c] }
                    score *= scale
                    guard score.isFinite else { return false }
                  }
                  weights[j] = score
                  largest = max(largest, score)
                }
                var total = 0.0
                if largest > -.infinity {
                  for j in 0..<m {
                    weights[j] = cExp(weights[j] - largest)
                    total += weights[j]
                  }
                }
                statistics?[head * n + i] = total > 0 ? largest + cLog(total) : -.infinity
                let row = output + i * heads * dv + head * dv
                for c in 0..<dv { row[c] = 0 }
                guard total > 0 else { continue }
                for j in 0..<m where weights[j] != 0 {
                  let weight = weights[j] / total
                  let value = v + j * kvHeads * dv + kvHead * dv
                  for c in 0..<dv { row[c] += weight * value[c] }
                }
              }
            }
            return true
          }
        }
      }
    }
  }

  /// The packed keys and values the threads read, and the row statistics
  /// they write.
  ///
  /// Unchecked: raw pointers are not Sendable. Safe because the packed
  /// buffers are written before the threads start and only read by them,
  /// each (head, query) statistic is written by the one thread that owns its
  /// query block, and every buffer outlives the parallel section.
  struct Shared: @unchecked Sendable {
    let packedKeys: UnsafeMutablePointer<Double>
    let packedValues: UnsafeMutablePointer<Double>
    let statistics: UnsafeMutablePointer<Double>?
  }

  /// Read-only input the threads share (the queries). Unchecked for the
  /// raw pointer; safe because nothing writes it while they run.
  struct SharedConstant: @unchecked Sendable {
    let base: UnsafePointer<Double>
  }
}
