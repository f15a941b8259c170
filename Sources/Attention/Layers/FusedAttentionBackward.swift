/// The backward pass of the tiled schedule (FlashAttention-2's), beside its
/// forward pass in FusedAttention.swift.
extension FusedAttention {
  /// Queries and keys per tile of the backward pass.
  static let backwardBlock = 128

  /// The gradients of the tiled output with respect to the queries, keys
  /// and values: FlashAttention-2's backward (Dao, 2023). Each tile's
  /// weights are recomputed from the saved log-sum-exp `L`,
  /// `P = exp(S·scale − L)`, and with `D = Σ_c ∂O ⊙ O` per query:
  ///
  ///     ∂V += Pᵀ ∂O    ∂P = ∂O Vᵀ    ∂S = P ⊙ (∂P − D) · scale    ∂Q += ∂S K    ∂K += ∂Sᵀ Q
  ///
  /// No `[heads, n, m]` tensor is made: besides the gradients, memory is a
  /// few tiles and one `[m, dk + dv]` partial sum per unit of work. Each
  /// head's queries are cut in as many parts as keep every core busy.
  static func gradients(
    of problem: AttentionProblem, output: Tensor, statistics: TensorBuffer<Double>, gradient: Tensor
  ) throws -> (queries: Tensor, keys: Tensor, values: Tensor) {
    let (heads, kvHeads, n, m, dk, dv) = (problem.heads, problem.kvHeads, problem.n, problem.m, problem.dk, problem.dv)
    let (group, scale, causal, operation) = (problem.group, problem.scale, problem.causal, problem.operation)
    guard n > 0, m > 0, dk > 0, dv > 0 else {
      return (
        try zeros(problem.queries.shape), try zeros(problem.keys.shape), try zeros(problem.values.shape)
      )
    }
    let maskValues = try problem.maskValues()
    if problem.isSmall {
      return try smallGradients(
        of: problem, output: output.untracked.scalars, statistics: statistics, gradient: gradient.scalars,
        mask: maskValues)
    }
    let block = min(backwardBlock, max(n, m))
    let big = n * m * max(dk, dv) >= 1 << 15
    let chunks =
      big
      ? max(1, min((MatrixKernel.activeProcessorCount + heads - 1) / heads, (n + block - 1) / block)) : 1
    let rowsPerChunk = ((n + chunks - 1) / chunks + block - 1) / block * block
    let units = heads * chunks
    var dq = try Tensor.storage([n, heads * dk], operation: operation)
    var partialKeys = try Tensor.storage([units, m, dk], operation: operation)
    var partialValues = try Tensor.storage([units, m, dv], operation: operation)
    let (q, k, v) = (
      problem.queries.untracked.scalars, problem.keys.untracked.scalars, problem.values.untracked.scalars
    )
    let (o, dO) = (output.untracked.scalars, gradient.scalars)
    let stop = ExecutionContext.current.stop
    dq.withUnsafeMutableBufferPointer { dqBuffer in
      partialKeys.withUnsafeMutableBufferPointer { pkBuffer in
        partialValues.withUnsafeMutableBufferPointer { pvBuffer in
          guard let dqBase = dqBuffer.baseAddress, let pkBase = pkBuffer.baseAddress, let pvBase = pvBuffer.baseAddress
          else { return }
          let (dqOut, pkOut, pvOut) = (
            SharedBuffer(base: dqBase), SharedBuffer(base: pkBase), SharedBuffer(base: pvBase)
          )
          let run: @Sendable (Int, inout Workspace) -> Void = { unit, ws in
            let (head, chunk) = (unit / chunks, unit % chunks)
            let kvHead = head / group
            let rowEnd = min(n, (chunk + 1) * rowsPerChunk)
            // This head's keys and values, contiguous, in the thread's workspace.
            for j in 0..<m {
              for c in 0..<dk { ws.keys[j * dk + c] = k[j * kvHeads * dk + kvHead * dk + c] }
              for c in 0..<dv { ws.values[j * dv + c] = v[j * kvHeads * dv + kvHead * dv + c] }
            }
            let dKeys = pkOut.base + unit * m * dk
            let dValues = pvOut.base + unit * m * dv
            var start = chunk * rowsPerChunk
            while start < rowEnd, !stop.isRequested {
              let rows = min(block, rowEnd - start)
              for i in 0..<rows {
                let row = start + i
                var total = 0.0
                for c in 0..<dv {
                  let index = row * heads * dv + head * dv + c
                  ws.outputTile[i * dv + c] = dO[index]
                  total += dO[index] * o[index]
                }
                ws.rowSums[i] = total
                for c in 0..<dk { ws.queryTile[i * dk + c] = q[row * heads * dk + head * dk + c] }
              }
              for index in 0..<(rows * dk) { ws.dqTile[index] = 0 }
              let keyEnd = causal ? min(m, start + rows) : m
              var first = 0
              while first < keyEnd {
                let columns = min(block, keyEnd - first)
                // P: the tile's ws.weights, from S = Q Kᵀ and the saved log-sum-exp.
                multiply(
                  ws.queryTile, ws.keys, offsetB: first * dk, into: &ws.weights, m: rows, k: dk, n: columns,
                  transposeB: true)
                ws.weights.withUnsafeMutableBufferPointer { p in
                  guard let p = p.baseAddress else { return }
                  for i in 0..<rows {
                    let row = start + i
                    let logSum = statistics[head * n + row]
                    let lane = p + i * columns
                    guard logSum > -.infinity else {
                      lane.update(repeating: 0, count: columns)
                      continue
                    }
                    _ = Processor.exponentiate(lane, columns, logSum / scale, scale)
                    for j in 0..<columns {
                      let key = first + j
                      if (causal && key > row) || (maskValues.map { $0[row * m + key] == 0 } ?? false) { lane[j] = 0 }
                    }
                  }
                }
                // ∂V += Pᵀ ∂O
                multiply(ws.weights, ws.outputTile, into: &ws.product, m: columns, k: rows, n: dv, transposeA: true)
                for index in 0..<(columns * dv) { dValues[first * dv + index] += ws.product[index] }
                // ∂S = P ⊙ (∂O Vᵀ − D) · scale
                multiply(
                  ws.outputTile, ws.values, offsetB: first * dv, into: &ws.scores, m: rows, k: dv, n: columns,
                  transposeB: true)
                for i in 0..<rows {
                  for j in 0..<columns {
                    ws.scores[i * columns + j] =
                      ws.weights[i * columns + j] * (ws.scores[i * columns + j] - ws.rowSums[i]) * scale
                  }
                }
                // ∂Q += ∂S K, ∂K += ∂Sᵀ Q
                multiply(ws.scores, ws.keys, offsetB: first * dk, into: &ws.product, m: rows, k: columns, n: dk)
                for index in 0..<(rows * dk) { ws.dqTile[index] += ws.product[index] }
                multiply(ws.scores, ws.queryTile, into: &ws.product, m: columns, k: rows, n: dk, transposeA: true)
                for index in 0..<(columns * dk) { dKeys[first * dk + index] += ws.product[index] }
                first += block
              }
              for i in 0..<rows {
                for c in 0..<dk { dqOut.base[(start + i) * heads * dk + head * dk + c] = ws.dqTile[i * dk + c] }
              }
              start += block
            }
          }
          let workspace = Workspace(block: block, m: m, dk: dk, dv: dv)
          if big {
            parallelPerform(iterations: units) { unit in
              var own = workspace
              run(unit, &own)
            }
          } else {
            // One workspace for every unit, one after the other.
            var shared = workspace
            for unit in 0..<units { run(unit, &shared) }
          }
        }
      }
    }
    try ExecutionContext.current.checkStop()
    // Each key/value head gathers the partial sums of the query heads that share it.
    var dk_ = try Tensor.storage([m, kvHeads * dk], operation: operation)
    var dv_ = try Tensor.storage([m, kvHeads * dv], operation: operation)
    dk_.withUnsafeMutableBufferPointer { dK in
      dv_.withUnsafeMutableBufferPointer { dV in
        for unit in 0..<units {
          let kvHead = unit / chunks / group
          for j in 0..<m {
            for c in 0..<dk { dK[j * kvHeads * dk + kvHead * dk + c] += partialKeys[(unit * m + j) * dk + c] }
            for c in 0..<dv { dV[j * kvHeads * dv + kvHead * dv + c] += partialValues[(unit * m + j) * dv + c] }
          }
        }
      }
    }
    return (
      Tensor(unchecked: [n, heads * dk], dq), Tensor(unchecked: [m, kvHeads * dk], dk_),
      Tensor(unchecked: [m, kvHeads * dv], dv_)
    )
  }

  /// ``gradients(of:output:statistics:gradient:)`` for a problem of a few
  /// thousand multiplies (``AttentionProblem/isSmall``), on this thread, query
  /// by query, reading every operand in place: the same formulas without
  /// tiles, whose copies and kernel calls cost more than such products.
  /// The counts are all positive (checked by the caller).
  private static func smallGradients(
    of problem: AttentionProblem, output o: TensorBuffer<Double>, statistics: TensorBuffer<Double>,
    gradient dO: TensorBuffer<Double>,
    mask: TensorBuffer<Double>?
  ) throws -> (queries: Tensor, keys: Tensor, values: Tensor) {
    let (heads, kvHeads, n, m, dk, dv) = (problem.heads, problem.kvHeads, problem.n, problem.m, problem.dk, problem.dv)
    let (group, scale, causal, operation) = (problem.group, problem.scale, problem.causal, problem.operation)
    var dq = try Tensor.storage([n, heads * dk], operation: operation)
    var dk_ = try Tensor.storage([m, kvHeads * dk], operation: operation)
    var dv_ = try Tensor.storage([m, kvHeads * dv], operation: operation)
    let (q, k, v) = (
      problem.queries.untracked.scalars, problem.keys.untracked.scalars, problem.values.untracked.scalars
    )
    q.withUnsafeBufferPointer { q in
      k.withUnsafeBufferPointer { k in
        v.withUnsafeBufferPointer { v in
          o.withUnsafeBufferPointer { o in
            dO.withUnsafeBufferPointer { dO in
              statistics.withUnsafeBufferPointer { statistics in
                // The mask's values read in place (none read when there is no mask).
                TensorBuffer.withUnsafeBufferPointer(mask) { maskValues in
                  dq.withUnsafeMutableBufferPointer { dq in
                    dk_.withUnsafeMutableBufferPointer { dK in
                      dv_.withUnsafeMutableBufferPointer { dV in
                        guard let q = q.baseAddress, let k = k.baseAddress, let v = v.baseAddress,
                          let o = o.baseAddress, let dO = dO.baseAddress, let dq = dq.baseAddress,
                          let dK = dK.baseAddress, let dV = dV.baseAddress
                        else { return }
                        for head in 0..<heads {
                          let kvHead = head / group
                          for i in 0..<n {
                            let logSum = statistics[head * n + i]
                            guard logSum > -.infinity else { continue }
                            let query = q + i * heads * dk + head * dk
                            let (rowOutput, rowGradient) = (
                              o + i * heads * dv + head * dv, dO + i * heads * dv + head * dv
                            )
                            let dQuery = dq + i * heads * dk + head * dk
                            var total = 0.0
                            for c in 0..<dv { total += rowGradient[c] * rowOutput[c] }
                            let visible = causal ? min(i + 1, m) : m
                            for j in 0..<m {
                              guard j < visible, mask == nil || maskValues[i * m + j] != 0 else { continue }
                              let key = k + j * kvHeads * dk + kvHead * dk
                              let value = v + j * kvHeads * dv + kvHead * dv
                              var score = 0.0
                              for c in 0..<dk { score += query[c] * key[c] }
                              let weight = cExp(score * scale - logSum)
                              // ∂V_j += P_ij ∂O_i;  ∂P_ij = ∂O_i · V_j
                              let dValue = dV + j * kvHeads * dv + kvHead * dv
                              var dWeight = 0.0
                              for c in 0..<dv {
                                dValue[c] += weight * rowGradient[c]
                                dWeight += rowGradient[c] * value[c]
                              }
                              // ∂S_ij = P_ij (∂P_ij − D_i) · scale;  ∂Q_i += ∂S_ij K_j;  ∂K_j += ∂S_ij Q_i
                              let dScore = weight * (dWeight - total) * scale
                              let dKey = dK + j * kvHeads * dk + kvHead * dk
                              for c in 0..<dk {
                                dQuery[c] += dScore * key[c]
                                dKey[c] += dScore * query[c]
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (
      Tensor(unchecked: [n, heads * dk], dq), Tensor(unchecked: [m, kvHeads * dk], dk_),
      Tensor(unchecked: [m, kvHeads * dv], dv_)
    )
  }

  /// The buffers one thread of the backward pass works in: a head's keys
  /// and values, and the tiles of one block of queries and keys.
  struct Workspace: Sendable {
    var keys, values, queryTile, outputTile, weights, scores, dqTile, product, rowSums: [Double]

    init(block: Int, m: Int, dk: Int, dv: Int) {
      func zeros(_ count: Int) -> [Double] { [Double](repeating: 0, count: count) }
      (keys, values, queryTile, outputTile) = (zeros(m * dk), zeros(m * dv), zeros(block * dk), zeros(block * dv))
      (weights, scores, dqTile) = (zeros(block * block), zeros(block * block), zeros(block * dk))
      (product, rowSums) = (zeros(block * max(dk, dv)), zeros(block))
    }
  }

  /// `C = op(A) · op(B)` on one core, for the backward's tiles (`op(B)`
  /// starts at `offsetB` in `b`; a transposed operand is stored as its transpose).
  fileprivate static func multiply(
    _ a: [Double], _ b: [Double], offsetB: Int = 0, into c: inout [Double], m: Int, k: Int, n: Int,
    transposeA: Bool = false, transposeB: Bool = false
  ) {
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
          MatrixKernel.multiply(
            a, b + offsetB, c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB, maxThreads: 1)
        }
      }
    }
  }
}
