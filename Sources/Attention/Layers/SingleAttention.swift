import Synchronization
import _AttentionKernels

/// Multi-head attention's heads on float32 queries, keys and values, in
/// float32 (`SingleAttention.c`): one unit of work per batch element and
/// key/value head, FlashAttention's scheme in blocks of 64 queries × 256
/// keys (the online softmax), each row's log-sum-exp kept for the backward
/// pass (FlashAttention-2's formulas in the same blocks), so memory is
/// O((n + m)·d) as in the tiled float64 schedule. All the units of a call —
/// every batch element — are shared among the cores in one parallel section.
enum SingleAttention {
  /// The heads' outputs, `[B, n, heads·dv]` for `[B, n, ·]` inputs or
  /// `[n, heads·dv]`, recorded under a gradient; `nil` when this path does
  /// not apply (not all float32, shapes the general path must judge) or a
  /// score is not finite (the general path has the conventions for that).
  /// Scores are scaled by `scale`, 1/√d_k when nil.
  static func heads(
    _ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int?, scale: Double? = nil, causal: Bool,
    operation: String
  ) throws -> Tensor? {
    guard let shapes = Shapes(q, k, v, heads: heads, kvHeads: kvHeads ?? heads, scale: scale) else { return nil }
    let outputShape: Shape = q.rank == 3 ? [shapes.batch, shapes.n, heads * shapes.dv] : [shapes.n, heads * shapes.dv]
    try ExecutionContext.current.reserve(outputShape, operation: operation)
    let (queries, keys, values) = (q.untracked.floats, k.untracked.floats, v.untracked.floats)
    var output = Tensor.uninitializedFloats(outputShape.reduce(1, *))
    var statistics = Tensor.uninitializedFloats(shapes.batch * heads * shapes.n)
    let overflow = Atomic<Bool>(false)
    queries.withUnsafeBufferPointer { queries in
      keys.withUnsafeBufferPointer { keys in
        values.withUnsafeBufferPointer { values in
          output.withUnsafeMutableBufferPointer { output in
            statistics.withUnsafeMutableBufferPointer { statistics in
              guard let q = queries.baseAddress, let k = keys.baseAddress, let v = values.baseAddress,
                let out = output.baseAddress, let lse = statistics.baseAddress
              else { return }
              let (qs, ks, vs) = (ConstantBuffer(base: q), ConstantBuffer(base: k), ConstantBuffer(base: v))
              let (outs, lses) = (SharedBuffer(base: out), SharedBuffer(base: lse))
              shapes.forEachUnit(workspace: attn_attention_workspace_float32(shapes.m, shapes.dk, shapes.dv, 0)) {
                unit, workspace in
                let o = shapes.offsets(unit)
                let failed = Processor.singleAttentionForward(
                  qs.base + o.q, shapes.ldq, ks.base + o.k, shapes.ldk, vs.base + o.v, shapes.ldv, outs.base + o.out,
                  shapes.ldo, lses.base + o.statistics, shapes.group, shapes.n, shapes.m, shapes.dk, shapes.dv,
                  Float(shapes.scale), causal ? 1 : 0, workspace)
                if failed != 0 { overflow.store(true, ordering: .relaxed) }
              }
            }
          }
        }
      }
    }
    try ExecutionContext.current.checkStop()
    if overflow.load(ordering: .relaxed) { return nil }
    let result = Tensor(unchecked: outputShape, floats: output, dtype: .float32)
    guard let tape = Tape.recording([q, k, v]) else { return result }
    return tape.record(result, "attention", inputs: [q, k, v]) { [output, statistics] gradient, gradients in
      let dout = gradient.untracked.floats
      var dq = Tensor.uninitializedFloats(queries.count)
      var dk = Tensor.uninitializedFloats(keys.count)
      var dv = Tensor.uninitializedFloats(values.count)
      withPointers(queries, keys, values) { q, k, v in
        withPointers(output, dout, statistics) { out, dout, lse in
          dq.withUnsafeMutableBufferPointer { dq in
            dk.withUnsafeMutableBufferPointer { dk in
              dv.withUnsafeMutableBufferPointer { dv in
                guard let q, let k, let v, let out, let dout, let lse, let dqBase = dq.baseAddress,
                  let dkBase = dk.baseAddress, let dvBase = dv.baseAddress
                else { return }
                let inputs = (ConstantBuffer(base: q), ConstantBuffer(base: k), ConstantBuffer(base: v))
                let forward = (ConstantBuffer(base: out), ConstantBuffer(base: dout), ConstantBuffer(base: lse))
                let results = (SharedBuffer(base: dqBase), SharedBuffer(base: dkBase), SharedBuffer(base: dvBase))
                shapes.forEachUnit(workspace: attn_attention_workspace_float32(shapes.m, shapes.dk, shapes.dv, 1)) {
                  unit, workspace in
                  let o = shapes.offsets(unit)
                  Processor.singleAttentionBackward(
                    inputs.0.base + o.q, shapes.ldq, inputs.1.base + o.k, shapes.ldk, inputs.2.base + o.v, shapes.ldv,
                    forward.0.base + o.out, forward.1.base + o.out, shapes.ldo, forward.2.base + o.statistics,
                    results.0.base + o.q, results.1.base + o.k, results.2.base + o.v, shapes.group, shapes.n, shapes.m,
                    shapes.dk, shapes.dv, Float(shapes.scale), causal ? 1 : 0, workspace)
                }
              }
            }
          }
        }
      }
      try ExecutionContext.current.checkStop()
      gradients.add(Tensor(unchecked: q.shape, floats: dq, dtype: .float32), to: q)
      gradients.add(Tensor(unchecked: k.shape, floats: dk, dtype: .float32), to: k)
      gradients.add(Tensor(unchecked: v.shape, floats: dv, dtype: .float32), to: v)
    }
  }

  /// The sizes of a batch of float32 attention problems and where each
  /// unit (batch element, key/value head) of them starts.
  struct Shapes: Sendable {
    let batch, n, m, heads, kvHeads, dk, dv: Int
    let scale: Double
    var group: Int { heads / kvHeads }
    var ldq: Int { heads * dk }
    var ldk: Int { kvHeads * dk }
    var ldv: Int { kvHeads * dv }
    var ldo: Int { heads * dv }

    /// `nil` unless all three are float32 of ranks 2 or 3 alike whose widths
    /// split into the heads, with at least one query, key and column.
    init?(_ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int, scale: Double?) {
      guard q.dtype == .float32, k.dtype == .float32, v.dtype == .float32, q.rank == k.rank, k.rank == v.rank,
        q.rank == 2 || q.rank == 3, heads >= 1, kvHeads >= 1, heads % kvHeads == 0
      else { return nil }
      let batched = q.rank == 3
      let batch = batched ? q.shape[0] : 1
      guard !batched || (k.shape[0] == batch && v.shape[0] == batch) else { return nil }
      let axis = q.rank - 2
      let (n, m) = (q.shape[axis], k.shape[axis])
      let (queryWidth, keyWidth, valueWidth) = (q.shape[axis + 1], k.shape[axis + 1], v.shape[axis + 1])
      guard v.shape[axis] == m, batch > 0, n > 0, m > 0, queryWidth % heads == 0, valueWidth % kvHeads == 0
      else { return nil }
      let (dk, dv) = (queryWidth / heads, valueWidth / kvHeads)
      guard dk > 0, dv > 0, keyWidth == kvHeads * dk else { return nil }
      (self.batch, self.n, self.m, self.heads, self.kvHeads, self.dk, self.dv) = (batch, n, m, heads, kvHeads, dk, dv)
      self.scale = scale ?? 1 / Double(dk).squareRoot()
    }

    /// Where unit `unit`'s first query, key, value, output row and statistic are.
    func offsets(_ unit: Int) -> (q: Int, k: Int, v: Int, out: Int, statistics: Int) {
      let (b, kvHead) = (unit / kvHeads, unit % kvHeads)
      return (
        b * n * ldq + kvHead * group * dk, b * m * ldk + kvHead * dk, b * m * ldv + kvHead * dv,
        b * n * ldo + kvHead * group * dv, (b * heads + kvHead * group) * n
      )
    }

    /// Runs `body` for every unit, each with its own workspace of `floats`
    /// floats, in parallel when the work pays for threads.
    func forEachUnit(workspace floats: Int, _ body: @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) {
      let units = batch * kvHeads
      let stop = ExecutionContext.current.stop
      let threads = units > 1 && batch * heads * n * m * (dk + dv) >= 1 << 16 ? MatrixKernel.activeProcessorCount : 1
      // Each thread takes the next unit nobody has taken (a thread that starts
      // late takes fewer), with one workspace for all of its units.
      let next = MatrixKernel.BlockCounter()
      parallelPerform(iterations: min(threads, units)) { _ in
        let workspace = UnsafeMutablePointer<Float>.allocate(capacity: max(floats, 1))
        defer { workspace.deallocate() }
        while !stop.isRequested {
          let unit = next.take()
          guard unit < units else { break }
          body(unit, workspace)
        }
      }
    }
  }
}
