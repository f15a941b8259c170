import _AttentionKernels

/// Calls `body` for every index in `0..<iterations`, on this thread and the
/// pool's workers (at most ``MatrixKernel/activeProcessorCount`` threads in
/// all), returning when every call has returned — as
/// `DispatchQueue.concurrentPerform`, but the workers stay awake between the
/// short sections a training step is made of (`attn_parallel_for`).
func parallelPerform(iterations: Int, execute body: (Int) -> Void) {
  withoutActuallyEscaping(body) { body in
    withUnsafePointer(to: body) { pointer in
      attn_parallel_for(
        iterations, Int32(clamping: MatrixKernel.activeProcessorCount),
        { context, index in
          context?.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
        }, UnsafeMutableRawPointer(mutating: pointer))
    }
  }
}

/// Runs `body` over `0..<count` in contiguous chunks, one per core when
/// `work` (a rough count of operations) is large enough to pay for threads,
/// otherwise on the calling thread. `body` must write only its own chunk's
/// elements of anything it shares.
func forEachChunk(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
  let threads = work >= 1 << 16 ? min(MatrixKernel.activeProcessorCount, count) : 1
  guard threads > 1 else {
    body(0..<count)
    return
  }
  // Four chunks a thread, taken by whichever thread is free: one that starts
  // late (or loses its core for a moment) leaves less for the others to wait on.
  let chunks = min(count, 4 * threads)
  let chunk = (count + chunks - 1) / chunks
  parallelPerform(iterations: chunks) { index in
    let start = index * chunk
    let end = min(count, start + chunk)
    if start < end { body(start..<end) }
  }
}

/// A mutable buffer that threads write in disjoint parts.
///
/// Unchecked: a raw pointer is not Sendable. Safe because every user splits
/// the buffer so that no two threads touch the same element, the buffer
/// outlives the parallel section (it is borrowed from an array inside
/// `withUnsafeMutableBufferPointer` around it), and `parallelPerform`
/// returns only when every thread is done.
struct SharedBuffer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>
}

/// A buffer that threads only read. Unchecked for the same reasons as
/// ``SharedBuffer``: it is borrowed around the parallel section.
struct ConstantBuffer<Element>: @unchecked Sendable {
  let base: UnsafePointer<Element>
}

/// Calls `body` with the base addresses of three buffers, any of which may be
/// absent (`nil`).
func withPointers<R>(
  _ a: TensorBuffer<Float>?, _ b: TensorBuffer<Float>?, _ c: TensorBuffer<Float>?,
  _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) throws -> R
) rethrows -> R {
  func with(_ buffer: TensorBuffer<Float>?, _ body: (UnsafePointer<Float>?) throws -> R) rethrows -> R {
    try TensorBuffer.withUnsafeBufferPointer(buffer) { try body($0.baseAddress) }
  }
  return try with(a) { a in try with(b) { b in try with(c) { c in try body(a, b, c) } } }
}
