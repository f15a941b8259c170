/// The value of `function` at `inputs` and its gradient with respect to
/// each input: reverse-mode automatic differentiation (JAX's
/// `value_and_grad`, PyTorch's `backward()`).
///
/// `function` runs once, recording every operation of this library on a
/// tape; one backward pass then gives every gradient. Loops and conditions
/// inside `function` are followed as they ran. The tape is freed when this
/// returns. Gradients are float64 and agree with PyTorch's autograd.
///
///     let (loss, gradients) = try valueWithGradient(at: [w]) { p in
///       try sum(softmax(p[0]) * Tensor([1, 2, 3]))
///     }
///
/// - Parameters:
///   - inputs: the tensors to differentiate with respect to.
///   - function: computes one number (a tensor with one element) from them.
/// - Returns: the value (as computed, not on any tape) and, for each input,
///   a gradient of the same shape; zeros for an input the value does not
///   depend on.
/// - Throws: what `function` throws, or ``TensorError`` when its value has
///   more than one element (see ``jacobian(at:of:)``).
public func valueWithGradient(
  at inputs: [Tensor], of function: ([Tensor]) throws -> Tensor
) throws -> (value: Tensor, gradients: [Tensor]) {
  let tape = Tape()
  var context = ExecutionContext.current
  let outer = context.tape
  context.tape = tape
  let (value, leaves) = try context.run {
    let leaves = inputs.map(tape.leaf)
    return (try function(leaves), leaves)
  }
  try tape.refuseNesting(outer: outer, inputs: inputs, operation: "gradient")
  guard value.count == 1 else {
    throw TensorError(
      "gradient",
      "the function must give one number, got a tensor of shape \(Tensor.describe(value.shape)); "
        + "for a function giving several, use the Jacobian")
  }
  let seed = Tensor(unchecked: value.shape, [1])
  return (value.untracked, try tape.gradients(of: value, seed: seed, at: leaves))
}

/// A record of one differentiation, node by node: what each operation
/// computed in the forward pass and the gradient that reached it in the
/// backward pass — micrograd's picture of a small computation.
public struct GradientTrace: Sendable {
  /// One value the function computed (or one input), with the gradient that reached it.
  public struct Node: Sendable {
    /// The node's position on the tape (inputs first, in the order computed).
    public var index: Int
    /// `input`, or the operation that made it (`+`, `exp`, `matmul`, `softmax`, …).
    public var operation: String
    /// The nodes it was computed from.
    public var inputs: [Int]
    /// What the node computed in the forward pass.
    public var value: Tensor
    /// ∂(the function's value)/∂(this node); nil when nothing flowed back to it.
    public var gradient: Tensor? = nil
  }

  /// Every node, in the order they were computed.
  public var nodes: [Node]
}

/// ``valueWithGradient(at:of:)-([Tensor],_)`` that also returns the tape as a
/// ``GradientTrace``, for explaining how the gradient came about. Keeps
/// every node's value, so use it on small computations.
public func tracedValueWithGradient(
  at inputs: [Tensor], of function: ([Tensor]) throws -> Tensor
) throws -> (value: Tensor, gradients: [Tensor], trace: GradientTrace) {
  let tape = Tape()
  tape.trace = []
  var context = ExecutionContext.current
  let outer = context.tape
  context.tape = tape
  let (value, leaves) = try context.run {
    let leaves = inputs.map(tape.leaf)
    return (try function(leaves), leaves)
  }
  try tape.refuseNesting(outer: outer, inputs: inputs, operation: "gradient")
  guard value.count == 1 else {
    throw TensorError(
      "gradient", "the function must give one number, got a tensor of shape \(Tensor.describe(value.shape))")
  }
  let gradients = try tape.gradients(of: value, seed: Tensor(unchecked: value.shape, [1]), at: leaves)
  var nodes = tape.trace ?? []
  for (leaf, gradient) in zip(leaves, gradients) where tape.holds(leaf) {
    nodes[Int(leaf.mark.node)].gradient = gradient
  }
  return (value.untracked, gradients, GradientTrace(nodes: nodes))
}

/// The value of `function` at `input` and its gradient; see ``valueWithGradient(at:of:)-([Tensor],_)``.
public func valueWithGradient(
  at input: Tensor, of function: (Tensor) throws -> Tensor
) throws -> (value: Tensor, gradient: Tensor) {
  let (value, gradients) = try valueWithGradient(at: [input]) { try function($0[0]) }
  return (value, gradients[0])
}

/// The gradient of a function giving one number, with respect to `input`
/// (of `input`'s shape); see ``valueWithGradient(at:of:)-([Tensor],_)``.
public func gradient(at input: Tensor, of function: (Tensor) throws -> Tensor) throws -> Tensor {
  try valueWithGradient(at: input, of: function).gradient
}

/// The Jacobian of `function` at `input`: `J[i…, j…] = ∂ fᵢ / ∂ xⱼ`, of shape
/// `function(input).shape + input.shape` (rank at most 4). One forward pass
/// and one backward pass per element of the value.
///
/// For softmax, `J = diag(p) − p pᵀ`.
///
/// - Throws: what `function` throws, or ``TensorError`` when the result's
///   rank would pass ``Tensor/maximumRank``.
public func jacobian(at input: Tensor, of function: (Tensor) throws -> Tensor) throws -> Tensor {
  let tape = Tape()
  var context = ExecutionContext.current
  let outer = context.tape
  context.tape = tape
  let (value, leaf) = try context.run {
    let leaf = tape.leaf(input)
    return (try function(leaf), leaf)
  }
  try tape.refuseNesting(outer: outer, inputs: [input], operation: "jacobian")
  let shape = Array(value.shape) + Array(input.shape)
  guard shape.count <= Tensor.maximumRank else {
    throw TensorError(
      "jacobian",
      "the result would have shape \(Tensor.describe(shape)), rank \(shape.count) above \(Tensor.maximumRank)")
  }
  var rows = try Tensor.storage(shape, operation: "jacobian")
  for element in 0..<value.count {
    var seed = [Double](repeating: 0, count: value.count)
    seed[element] = 1
    let row = try tape.gradients(
      of: value, seed: Tensor(unchecked: value.shape, seed), at: [leaf], keeping: true)[0]
    rows.withUnsafeMutableBufferPointer { rows in
      row.scalars.withUnsafeBufferPointer { row in
        _ = UnsafeMutableBufferPointer(rebasing: rows[(element * input.count)...]).update(fromContentsOf: row)
      }
    }
    try ExecutionContext.current.checkStop()
  }
  return Tensor(unchecked: Shape(shape), rows)
}
