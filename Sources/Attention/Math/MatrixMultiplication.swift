/// The matrix product with NumPy's `matmul` semantics:
/// `C[i, j] = Σₚ A[i, p] · B[p, j]`.
///
/// - `[k] @ [k]` is the inner product (a scalar);
/// - `[k] @ [k, n]` treats the vector as a row and gives `[n]`;
/// - `[m, k] @ [k]` treats the vector as a column and gives `[m]`;
/// - `[m, k] @ [k, n]` gives `[m, n]`;
/// - ranks 3 and 4 are stacks of matrices whose leading (batch) axes broadcast.
///
/// Gradients: `∂A = G · Bᵀ` and `∂B = Aᵀ · G` (a vector operand taken as a
/// row or column as above), summed over broadcast batch axes.
///
/// - Complexity: O(m·k·n) per matrix; large products use every core.
/// - Throws: ``TensorError`` naming both shapes when the inner sizes differ.
public func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  if a.rank >= 3, b.rank == 2 {
    // A stack of matrices times one matrix ([B, T, C] @ [C, D], a layer over a
    // batch) is one product of all the rows: one large product instead of B
    // small ones, forward and backward.
    _ = try matmulShape(a.shape, b.shape)
    let k = a.shape[a.rank - 1]
    let rows = a.shape.dropLast().reduce(1, *)
    return try matmul(try a.reshaped([rows, k]), b).reshaped(a.shape.dropLast() + [b.shape[1]])
  }
  let result = try matmulValue(a, b)
  guard let tape = Tape.recording(a, b) else { return result }
  return tape.record(result, "@", inputs: [a, b]) { gradient, gradients in
    if a.rank == 2, b.rank == 2 {
      // Plain matrices: products with a transposed operand, read in place.
      if gradients.needs(a) { gradients.add(try transposedProduct(gradient, b, transposeB: true), to: a) }
      if gradients.needs(b) { gradients.add(try transposedProduct(a, gradient, transposeA: true), to: b) }
      return
    }
    // As stacks of matrices: a vector is a one-row (left) or one-column (right) matrix.
    let left = a.rank == 1 ? try a.untracked.reshaped([1, a.count]) : a.untracked
    let right = b.rank == 1 ? try b.untracked.reshaped([b.count, 1]) : b.untracked
    var shape = gradient.shape
    if a.rank == 1 { shape.insert(1, at: max(shape.count - (b.rank == 1 ? 0 : 1), 0)) }
    if b.rank == 1 { shape.append(1) }
    let g = try gradient.reshaped(shape)
    if gradients.needs(a) {
      let full = try matmulValue(g, try swapLastAxes(right))
      gradients.add(try full.summed(toShape: left.shape).reshaped(a.shape), to: a)
    }
    if gradients.needs(b) {
      let full = try matmulValue(try swapLastAxes(left), g)
      gradients.add(try full.summed(toShape: right.shape).reshaped(b.shape), to: b)
    }
  }
}

/// `op(a) · op(b)` for matrices, where a transposed operand is read as its
/// transpose in place (no copy): `G Bᵀ` and `Aᵀ G` in a product's gradient.
func transposedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
  let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
  let n = transposeB ? b.shape[0] : b.shape[1]
  let dtype = DType.promoted(a, b)
  if dtype != .float64 {
    try ExecutionContext.current.reserve([m, n], operation: "matmul")
    let result = singlePrecisionProduct(a.floats, b.floats, count: m * n) { x, y, c in
      MatrixKernel.multiply(x, y, c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
    }
    try checkStopAfterProduct(m: m, k: k, n: n)
    return Tensor(unchecked: [m, n], floats: result, dtype: dtype)
  }
  var result = try Tensor.uninitializedStorage([m, n], operation: "matmul")
  a.scalars.withUnsafeBufferPointer { x in
    b.scalars.withUnsafeBufferPointer { y in
      result.withUnsafeMutableBufferPointer { out in
        guard let c = out.baseAddress else { return }
        guard let x = x.baseAddress, let y = y.baseAddress, k > 0 else {
          c.update(repeating: 0, count: m * n)
          return
        }
        MatrixKernel.multiply(x, y, c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
      }
    }
  }
  try checkStopAfterProduct(m: m, k: k, n: n)
  return Tensor(unchecked: [m, n], result)
}

/// Throws when a stop was requested during a product large enough for the
/// blocked kernel, which polls the request and returns part way; the small
/// products' plain loops run whole (a few microseconds), so their complete
/// results are returned, and the next step that polls sees the request.
@inline(__always)
func checkStopAfterProduct(m: Int, k: Int, n: Int) throws {
  if m * n * k > MatrixKernel.smallWork { try ExecutionContext.current.checkStop() }
}

/// `x` with its last two axes swapped (a batch of matrices transposed).
func swapLastAxes(_ x: Tensor) throws -> Tensor {
  guard x.rank >= 2 else { return x }
  var axes = Array(0..<x.rank)
  axes.swapAt(x.rank - 1, x.rank - 2)
  return try transpose(x.untracked, axes: axes)
}

/// The product itself, not recorded for gradients.
func matmulValue(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  if (1...2).contains(a.rank), (1...2).contains(b.rank) { return try matrixProduct(a, b) }
  let resultShape = try matmulShape(a.shape, b.shape)
  // Work on stacks of matrices: a vector becomes a one-row (left) or
  // one-column (right) matrix, whose extra axis the result shape omits.
  let left: Shape = a.rank == 1 ? [1] + a.shape : a.shape
  let right: Shape = b.rank == 1 ? b.shape + [1] : b.shape
  let (m, k, n) = (left[left.count - 2], left[left.count - 1], right[right.count - 1])
  let batchShape = Shape(resultShape.dropLast(2 - (a.rank == 1 ? 1 : 0) - (b.rank == 1 ? 1 : 0)))
  let batches = batchShape.reduce(1, *)
  // Plain matrices and vectors need no batch broadcasting (the common case).
  let batchA =
    batchShape.isEmpty
    ? a : try Tensor(unchecked: left, elements: a.elements).broadcast(to: batchShape + [m, k], operation: "matmul")
  let batchB =
    batchShape.isEmpty
    ? b : try Tensor(unchecked: right, elements: b.elements).broadcast(to: batchShape + [k, n], operation: "matmul")
  let dtype = DType.promoted(a, b)
  if dtype != .float64 {
    try ExecutionContext.current.reserve(resultShape, operation: "matmul")
    let result = singlePrecisionProduct(batchA.floats, batchB.floats, count: resultShape.reduce(1, *)) { x, y, c in
      for batch in 0..<batches {
        multiplyMatrices(x + batch * m * k, y + batch * k * n, c + batch * m * n, m: m, k: k, n: n)
      }
    }
    try checkStopAfterProduct(m: batches * m, k: k, n: n)
    return Tensor(unchecked: resultShape, floats: result, dtype: dtype)
  }
  // Every element is written by the kernel, so the result starts uninitialized.
  var result = try Tensor.uninitializedStorage(resultShape, operation: "matmul")
  batchA.scalars.withUnsafeBufferPointer { x in
    batchB.scalars.withUnsafeBufferPointer { y in
      result.withUnsafeMutableBufferPointer { out in
        for batch in 0..<batches {
          multiplyMatrices(
            x.baseAddress.map { $0 + batch * m * k }, y.baseAddress.map { $0 + batch * k * n },
            out.baseAddress.map { $0 + batch * m * n }, m: m, k: k, n: n)
        }
      }
    }
  }
  try checkStopAfterProduct(m: batches * m, k: k, n: n)
  return Tensor(unchecked: resultShape, result)
}

/// `matmul` for vectors and matrices: no batch axes to broadcast, so no
/// shape bookkeeping beyond the three sizes (this is the path small
/// statements at the prompt take).
func matrixProduct(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  let m = a.rank == 2 ? a.shape[0] : 1
  let k = a.shape[a.rank - 1]
  let k2 = b.shape[0]
  let n = b.rank == 2 ? b.shape[1] : 1
  guard k == k2 else {
    throw TensorError(
      "matmul", "inner sizes differ: \(Tensor.describe(a.shape)) @ \(Tensor.describe(b.shape)) (\(k) vs \(k2))")
  }
  let shape: Shape
  switch (a.rank, b.rank) {
  case (1, 1): shape = []
  case (1, _): shape = [n]
  case (_, 1): shape = [m]
  default: shape = [m, n]
  }
  let dtype = DType.promoted(a, b)
  if dtype != .float64 {
    try ExecutionContext.current.reserve(shape, operation: "matmul")
    let result = singlePrecisionProduct(a.floats, b.floats, count: m * n) { x, y, c in
      multiplyMatrices(x, y, c, m: m, k: k, n: n)
    }
    try checkStopAfterProduct(m: m, k: k, n: n)
    return Tensor(unchecked: shape, floats: result, dtype: dtype)
  }
  var result = try Tensor.uninitializedStorage(shape, operation: "matmul")
  a.scalars.withUnsafeBufferPointer { x in
    b.scalars.withUnsafeBufferPointer { y in
      result.withUnsafeMutableBufferPointer { out in
        multiplyMatrices(x.baseAddress, y.baseAddress, out.baseAddress, m: m, k: k, n: n)
      }
    }
  }
  try checkStopAfterProduct(m: m, k: k, n: n)
  return Tensor(unchecked: shape, result)
}

/// A float32 product: `body` computes `count` results from the operands'
/// elements (each read in place, or rounded from float64 / widened from
/// bfloat16 by the caller), accumulating in float32 as PyTorch does on a CPU.
func singlePrecisionProduct(
  _ a: TensorBuffer<Float>, _ b: TensorBuffer<Float>, count: Int,
  _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> TensorBuffer<Float> {
  // The products write every element (zeros for k = 0), so the result starts uninitialized.
  var result = Tensor.uninitializedFloats(count)
  a.withUnsafeBufferPointer { x in
    b.withUnsafeBufferPointer { y in
      result.withUnsafeMutableBufferPointer { out in
        // Empty operands (k = 0) without storage: an empty sum.
        guard let x = x.baseAddress, let y = y.baseAddress, let c = out.baseAddress else {
          out.update(repeating: 0)
          return
        }
        body(x, y, c)
      }
    }
  }
  return result
}

/// The shape of `matmul(a, b)` for operands of these shapes, without computing it.
///
/// - Throws: ``TensorError`` naming both shapes when they do not multiply.
public func matmulShape(_ a: Shape, _ b: Shape) throws -> Shape {
  guard !a.isEmpty, !b.isEmpty else {
    throw TensorError(
      "matmul", "needs tensors of rank 1 or more, got \(Tensor.describe(a)) and \(Tensor.describe(b))")
  }
  let left: Shape = a.count == 1 ? [1] + a : a
  let right: Shape = b.count == 1 ? b + [1] : b
  let k = left[left.count - 1]
  let k2 = right[right.count - 2]
  guard k == k2 else {
    throw TensorError(
      "matmul", "inner sizes differ: \(Tensor.describe(a)) @ \(Tensor.describe(b)) (\(k) vs \(k2))")
  }
  let batchShape = try broadcastShape(Shape(left.dropLast(2)), Shape(right.dropLast(2)), operation: "matmul")
  var shape = batchShape + [left[left.count - 2], right[right.count - 1]]
  try Tensor.validate(shape: shape, operation: "matmul")
  if a.count == 1 { shape.remove(at: shape.count - 2) }
  if b.count == 1 { shape.removeLast() }
  return shape
}

/// Pairwise inner products along the last axis of both operands:
///
/// - `[d] · [d]` → the scalar `Σᵢ aᵢ bᵢ`;
/// - `[n, d] · [d]` or `[d] · [n, d]` → `[n]`, one product per row;
/// - `[m, d] · [n, d]` → `[m, n]` with `C[i, j] = aᵢ · bⱼ`, that is `A Bᵀ`,
///   the score matrix of attention.
///
/// Gradients: for `[m, d] · [n, d]`, `∂A = G B` and `∂B = Gᵀ A`; the vector
/// cases likewise.
///
/// - Throws: ``TensorError`` such as `dot: last axes differ: [3] vs [2]`.
public func dot(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  let result = try dotValue(a.untracked, b.untracked)
  guard let tape = Tape.recording(a, b) else { return result }
  return tape.record(result, "dot", inputs: [a, b]) { gradient, gradients in
    let (x, y) = (a.untracked, b.untracked)
    switch (a.rank, b.rank) {
    case (1, 1):
      if gradients.needs(a) { gradients.add(try gradient * y, to: a) }
      if gradients.needs(b) { gradients.add(try gradient * x, to: b) }
    case (2, 1):
      if gradients.needs(a) { gradients.add(try outer(gradient, y), to: a) }
      if gradients.needs(b) { gradients.add(try matmulValue(gradient, x), to: b) }
    case (1, 2):
      if gradients.needs(a) { gradients.add(try matmulValue(gradient, y), to: a) }
      if gradients.needs(b) { gradients.add(try outer(gradient, x), to: b) }
    default:
      if gradients.needs(a) { gradients.add(try matmulValue(gradient, y), to: a) }
      if gradients.needs(b) { gradients.add(try matmulValue(transposeMatrix(gradient), x), to: b) }
    }
  }
}

/// The inner products themselves, not recorded for gradients.
func dotValue(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  guard (1...2).contains(a.rank), (1...2).contains(b.rank) else {
    throw TensorError(
      "dot", "expects tensors of rank 1 or 2, got \(Tensor.describe(a.shape)) and \(Tensor.describe(b.shape))")
  }
  guard a.shape.last == b.shape.last else {
    throw TensorError("dot", "last axes differ: \(Tensor.describe(a.shape)) vs \(Tensor.describe(b.shape))")
  }
  switch (a.rank, b.rank) {
  case (1, 1), (2, 1): return try matmulValue(a, b)
  case (1, 2): return try matmulValue(b, a)
  default:
    let (m, n, d) = (a.shape[0], b.shape[0], a.shape[1])
    if DType.promoted(a, b) != .float64 { return try matmulValue(a, transposeMatrix(b)) }
    // Small score matrices: inner products of rows, both read contiguously;
    // large ones: transpose once and use the blocked kernel.
    guard m * n * d <= 32 * 32 * 32 else { return try matmulValue(a, transposeMatrix(b)) }
    var result = try Tensor.storage([m, n], operation: "dot")
    a.scalars.withUnsafeBufferPointer { x in
      b.scalars.withUnsafeBufferPointer { y in
        for i in 0..<m {
          for j in 0..<n {
            var total = 0.0
            for p in 0..<d { total += x[i * d + p] * y[j * d + p] }
            result[i * n + j] = total
          }
        }
      }
    }
    return Tensor(unchecked: [m, n], result)
  }
}

/// `C = A · B` for row-major `A` (m×k), `B` (k×n) into `C` (m×n), overwriting `C`.
func multiplyMatrices<T: KernelElement>(
  _ a: UnsafePointer<T>?, _ b: UnsafePointer<T>?, _ c: UnsafeMutablePointer<T>?,
  m: Int, k: Int, n: Int
) {
  guard let c, m > 0, n > 0 else { return }
  guard let a, let b, k > 0 else {
    c.update(repeating: 0, count: m * n)
    return
  }
  MatrixKernel.multiply(a, b, c, m: m, k: k, n: n)
}
