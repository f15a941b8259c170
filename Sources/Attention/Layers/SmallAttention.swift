/// Attention problems of lesson size — a few thousand multiplies — solved
/// on this thread straight from the queries, keys and values where they
/// are: each head's columns read in place, no copies and no kernel
/// dispatch, which for such sizes cost more than the products. The rows and
/// parallel-heads schedules hand their small problems here, and float32
/// (and bfloat16) problems not under a gradient come here in float32.
extension AttentionProblem {
  /// At most 4 096 multiplies per head's product.
  var isSmall: Bool { n * m * max(dk, dv) <= 1 << 12 }

  /// The output and weights (and, when `keepScores`, the scaled and masked
  /// scores) in the shapes the rows and parallel-heads schedules give, in
  /// float64.
  func smallSolution(keepScores: Bool) throws -> AttentionSolution {
    try smallSolution(Double.self, keepScores: keepScores)
  }

  /// ``smallSolution(keepScores:)`` computed in `Element`: for float32, the
  /// products and the weighted sum accumulate in float32 and the softmax
  /// runs in double and is rounded once, as the float32 reference steps
  /// (``reference()``) do.
  func smallSolution<Element: SmallAttentionElement>(
    _: Element.Type, keepScores: Bool
  ) throws -> AttentionSolution {
    var output: TensorBuffer<Element> = try .uninitialized([n, heads * dv], operation: operation)
    var weights: TensorBuffer<Element> = try .uninitialized([heads, n, m], operation: operation)
    var scores: TensorBuffer<Element>? = keepScores ? try .uninitialized([heads, n, m], operation: operation) : nil
    let maskValues = try maskValues()
    // One row of scores and weights in double, for the softmax (a float64
    // problem's rows are the weights' own); on the stack when it fits.
    let scratchCount = Element.self == Double.self ? 0 : 2 * m
    let (q, k, v) = (Element.elements(of: queries), Element.elements(of: keys), Element.elements(of: values))
    q.withUnsafeBufferPointer { qBuffer in
      k.withUnsafeBufferPointer { kBuffer in
        v.withUnsafeBufferPointer { vBuffer in
          output.withUnsafeMutableBufferPointer { outputBuffer in
            weights.withUnsafeMutableBufferPointer { weightBuffer in
              TensorBuffer.withUnsafeMutableBufferPointer(&scores) { scoreBuffer in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: scratchCount) { scratch in
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
                  let rows = scratch.isEmpty ? nil : scratch.baseAddress
                  for head in 0..<heads {
                    for i in 0..<n {
                      let offset = (head * n + i) * m
                      solveRow(
                        i, head: head, q: start(qBuffer), k: start(kBuffer), v: start(vBuffer),
                        weights: weightBase.map { $0 + offset }, scores: scoreBase.map { $0 + offset },
                        mask: maskValues, output: out + i * heads * dv + head * dv, scratch: rows)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let outputShape: Shape = (singleQuery ? [] : [n]) + (values.rank == 1 ? [] : [heads * dv])
    return AttentionSolution(
      output: Element.tensor(outputShape, output), weights: Element.tensor(scoreShape, weights),
      scores: scores.map { Element.tensor(scoreShape, $0) })
  }

  /// Query `i`'s row of head `head`: its weights (and scores), and its
  /// output. A pointer is nil only where its buffer is empty. `scratch`
  /// (two rows of doubles) is where a single-precision row's softmax runs;
  /// nil for float64, whose weights row is itself.
  @inline(__always)
  private func solveRow<Element: SmallAttentionElement>(
    _ i: Int, head: Int, q: UnsafePointer<Element>?, k: UnsafePointer<Element>?, v: UnsafePointer<Element>?,
    weights row: UnsafeMutablePointer<Element>?, scores: UnsafeMutablePointer<Element>?, mask: TensorBuffer<Double>?,
    output: UnsafeMutablePointer<Element>, scratch: UnsafeMutablePointer<Double>?
  ) {
    let kvHead = head / group
    output.update(repeating: 0, count: dv)
    // The row's scores, then weights, in double: the scratch rows, or for
    // float64 the weights row itself (and the scores row).
    func inDouble(_ row: UnsafeMutablePointer<Element>?) -> UnsafeMutablePointer<Double>? {
      Element.self == Double.self ? row.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Double.self) } : nil
    }
    guard let row, let wide = scratch ?? inDouble(row) else { return }
    if let q, let k {
      let query = q + i * heads * dk + head * dk
      for j in 0..<m {
        let key = k + j * kvHeads * dk + kvHead * dk
        var score: Element = 0
        for c in 0..<dk { score += query[c] * key[c] }
        wide[j] = Double(score)
      }
    } else {
      wide.update(repeating: 0, count: m)
    }
    let wideScores = scores == nil ? nil : scratch.map { $0 + m } ?? inDouble(scores)
    scaleMaskAndNormalize(
      scores: wideScores, weights: wide, row: i, columns: m, scale: scale,
      mask: mask.map { $0[(i * m)..<((i + 1) * m)] }, causal: causal, hard: hard)
    if scratch != nil {
      for j in 0..<m { row[j] = Element(wide[j]) }
      if let scores, let wideScores { for j in 0..<m { scores[j] = Element(wideScores[j]) } }
    }
    guard let v else { return }
    for j in 0..<m where row[j] != 0 {
      let weight = row[j]
      let value = v + j * kvHeads * dv + kvHead * dv
      for c in 0..<dv { output[c] += weight * value[c] }
    }
  }
}

/// The element types attention of lesson size computes in: float64, and
/// float32 (float32 and bfloat16 problems; see
/// ``AttentionProblem/singlePrecisionSolution(weights:)``).
protocol SmallAttentionElement: KernelElement {
  /// A tensor's elements in this type (in place when it is stored so).
  static func elements(of tensor: Tensor) -> TensorBuffer<Self>
  /// A tensor of this type from its elements.
  static func tensor(_ shape: Shape, _ elements: TensorBuffer<Self>) -> Tensor
}

extension Double: SmallAttentionElement {
  static func elements(of tensor: Tensor) -> TensorBuffer<Double> { tensor.scalars }
  static func tensor(_ shape: Shape, _ elements: TensorBuffer<Double>) -> Tensor { Tensor(unchecked: shape, elements) }
}

extension Float: SmallAttentionElement {
  static func elements(of tensor: Tensor) -> TensorBuffer<Float> { tensor.floats }
  static func tensor(_ shape: Shape, _ elements: TensorBuffer<Float>) -> Tensor {
    Tensor(unchecked: shape, floats: elements, dtype: .float32)
  }
}
