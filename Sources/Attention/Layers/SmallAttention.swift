/// Attention problems of lesson size — a few thousand multiplies — solved
/// on this thread straight from the queries, keys and values where they
/// are: each head's columns read in place, no copies and no kernel
/// dispatch, which for such sizes cost more than the products. The rows and
/// parallel-heads schedules hand their small problems here.
extension AttentionProblem {
  /// At most 4 096 multiplies per head's product.
  var isSmall: Bool { n * m * max(dk, dv) <= 1 << 12 }

  /// The output and weights (and, when `keepScores`, the scaled and masked
  /// scores) in the shapes the rows and parallel-heads schedules give.
  func smallSolution(keepScores: Bool) throws -> AttentionSolution {
    var output = try Tensor.uninitializedStorage([n, heads * dv], operation: operation)
    var weights = try Tensor.uninitializedStorage([heads, n, m], operation: operation)
    var scores = keepScores ? try Tensor.uninitializedStorage([heads, n, m], operation: operation) : []
    let maskValues = try maskValues()
    let (q, k, v) = (queries.scalars, keys.scalars, values.scalars)
    q.withUnsafeBufferPointer { qBuffer in
      k.withUnsafeBufferPointer { kBuffer in
        v.withUnsafeBufferPointer { vBuffer in
          output.withUnsafeMutableBufferPointer { outputBuffer in
            weights.withUnsafeMutableBufferPointer { weightBuffer in
              scores.withUnsafeMutableBufferPointer { scoreBuffer in
                // An empty array's base address may be a shared placeholder: only
                // buffers that hold elements are read or written.
                guard let out = outputBuffer.baseAddress, !outputBuffer.isEmpty else { return }
                func start<T>(_ buffer: UnsafeBufferPointer<T>) -> UnsafePointer<T>? {
                  buffer.isEmpty ? nil : buffer.baseAddress
                }
                let (weightBase, scoreBase) = (
                  weightBuffer.isEmpty ? nil : weightBuffer.baseAddress,
                  scoreBuffer.isEmpty ? nil : scoreBuffer.baseAddress
                )
                for head in 0..<heads {
                  for i in 0..<n {
                    let offset = (head * n + i) * m
                    solveRow(
                      i, head: head, q: start(qBuffer), k: start(kBuffer), v: start(vBuffer),
                      weights: weightBase.map { $0 + offset }, scores: scoreBase.map { $0 + offset }, mask: maskValues,
                      output: out + i * heads * dv + head * dv)
                  }
                }
              }
            }
          }
        }
      }
    }
    let outputShape = (singleQuery ? [] : [n]) + (values.rank == 1 ? [] : [heads * dv])
    return AttentionSolution(
      output: Tensor(unchecked: outputShape, output), weights: Tensor(unchecked: scoreShape, weights),
      scores: keepScores ? Tensor(unchecked: scoreShape, scores) : nil)
  }

  /// Query `i`'s row of head `head`: its weights (and scores), and its
  /// output. A pointer is nil only where its buffer is empty.
  @inline(__always)
  private func solveRow(
    _ i: Int, head: Int, q: UnsafePointer<Double>?, k: UnsafePointer<Double>?, v: UnsafePointer<Double>?,
    weights row: UnsafeMutablePointer<Double>?, scores: UnsafeMutablePointer<Double>?, mask: [Double]?,
    output: UnsafeMutablePointer<Double>
  ) {
    let kvHead = head / group
    output.update(repeating: 0, count: dv)
    guard let row else { return }
    if let q, let k {
      let query = q + i * heads * dk + head * dk
      for j in 0..<m {
        let key = k + j * kvHeads * dk + kvHead * dk
        var score = 0.0
        for c in 0..<dk { score += query[c] * key[c] }
        row[j] = score
      }
    } else {
      row.update(repeating: 0, count: m)
    }
    scaleMaskAndNormalize(
      scores: scores, weights: row, row: i, columns: m, scale: scale,
      mask: mask.map { $0[(i * m)..<((i + 1) * m)] }, causal: causal, hard: hard)
    guard let v else { return }
    for j in 0..<m where row[j] != 0 {
      let weight = row[j]
      let value = v + j * kvHeads * dv + kvHead * dv
      for c in 0..<dv { output[c] += weight * value[c] }
    }
  }
}
