import Synchronization

/// Where a tensor was made on a gradient tape: which tape, which node.
/// Untracked tensors (almost all of them) have tape 0.
struct TapeMark: Equatable, Sendable {
  var tape: UInt32
  var node: UInt32

  static let none = TapeMark(tape: 0, node: 0)
}

/// The operations of one differentiation, recorded as they run: for each
/// result, a small closure that turns the gradient of that result into
/// gradients of the operation's inputs (micrograd's `_backward`, PyTorch's
/// backward per op). Each operation's backward is written next to its
/// forward, in the operation's own file.
///
/// A tape is made by ``valueWithGradient(at:of:)`` and lives for one call:
/// operations see it through the current ``ExecutionContext`` and record
/// themselves only when one of their inputs comes from it, so code that
/// never asks for a gradient pays one comparison per operation.
///
/// A tape is reached through the task-local ``ExecutionContext``, which must
/// be Sendable: its nodes sit behind a mutex (taken once per recorded
/// operation, uncontended: only the thread that binds the context records).
final class Tape: Sendable {
  /// Turns the gradient of a node's result into gradients of its inputs.
  typealias Backward = @Sendable (Tensor, inout Gradients) throws -> Void

  private static let nextID = Atomic<UInt32>(1)

  let id: UInt32

  struct Nodes {
    /// One entry per node; nil for the inputs being differentiated (leaves).
    var backwards: [Backward?] = []
    /// Each node's element type: its gradient is given to its backward in
    /// that type, as a PyTorch tensor's gradient has the tensor's dtype (so
    /// a float32 model's backward products run in float32).
    var types: [DType] = []
    /// Whether an operation recorded while this tape was current met a
    /// tensor of another tape: a differentiation inside another one, using
    /// what the outer one tracks (see ``Tape/refuseNesting(outer:inputs:operation:)``).
    var metOtherTape = false
    /// What each node is, kept only while a gradient is being explained
    /// (``tracedValueWithGradient(at:of:)``): its operation, inputs and value.
    var trace: [GradientTrace.Node]? = nil
  }

  private let nodes = Mutex(Nodes())

  /// How many nodes the tape holds.
  var count: Int { nodes.withLock { $0.backwards.count } }

  /// Whether a tensor of another tape was met (see ``Nodes/metOtherTape``).
  var metOtherTape: Bool {
    get { nodes.withLock { $0.metOtherTape } }
    set { nodes.withLock { $0.metOtherTape = newValue } }
  }

  /// The trace being kept, if one is (see ``Nodes/trace``).
  var trace: [GradientTrace.Node]? {
    get { nodes.withLock { $0.trace } }
    set { nodes.withLock { $0.trace = newValue } }
  }

  init() {
    var id = Tape.nextID.add(1, ordering: .relaxed).oldValue
    if id == 0 { id = Tape.nextID.add(1, ordering: .relaxed).oldValue }
    self.id = id
  }

  /// `tensor` as an input to differentiate with respect to: a leaf of the tape.
  func leaf(_ tensor: Tensor) -> Tensor {
    var marked = tensor
    nodes.withLock { nodes in
      marked.mark = TapeMark(tape: id, node: UInt32(nodes.backwards.count))
      nodes.trace?.append(
        GradientTrace.Node(index: nodes.backwards.count, operation: "input", inputs: [], value: tensor.untracked))
      nodes.backwards.append(nil)
      nodes.types.append(tensor.dtype)
    }
    return marked
  }

  /// `result` marked as a node of this tape whose backward is `backward`.
  /// `operation` names it as a gradient's trace shows it (the notation a
  /// reader knows: `@`, `softmax`, `reshape`) and `inputs` are what it was
  /// computed from.
  func record(
    _ result: Tensor, _ operation: String, inputs: [Tensor] = [], _ backward: @escaping Backward
  ) -> Tensor {
    var marked = result
    let inputNodes = inputs.filter(holds).map { Int($0.mark.node) }
    nodes.withLock { nodes in
      marked.mark = TapeMark(tape: id, node: UInt32(nodes.backwards.count))
      if nodes.trace != nil {
        nodes.trace?.append(
          GradientTrace.Node(
            index: nodes.backwards.count, operation: operation, inputs: inputNodes, value: result.untracked))
      }
      nodes.backwards.append(backward)
      nodes.types.append(result.dtype)
    }
    return marked
  }

  /// Whether `tensor` was made on this tape.
  @inline(__always)
  func holds(_ tensor: Tensor) -> Bool { tensor.mark.tape == id }

  // MARK: The tape an operation records on

  /// The tape recording now, if `a` was made on it.
  @inline(__always)
  static func recording(_ a: Tensor) -> Tape? {
    guard a.mark.tape != 0 else { return nil }
    return current(holding: a)
  }

  /// The tape recording now, if `a` or `b` was made on it.
  @inline(__always)
  static func recording(_ a: Tensor, _ b: Tensor) -> Tape? {
    guard a.mark.tape != 0 || b.mark.tape != 0 else { return nil }
    return current(holding: a, b)
  }

  /// The tape recording now, if any of `tensors` was made on it.
  static func recording(_ tensors: [Tensor?]) -> Tape? {
    guard tensors.contains(where: { ($0?.mark.tape ?? 0) != 0 }) else { return nil }
    guard let tape = ExecutionContext.current.tape else { return nil }
    if tensors.contains(where: { $0.map { $0.mark.tape != 0 && !tape.holds($0) } ?? false }) {
      tape.metOtherTape = true
    }
    return tensors.contains { $0.map(tape.holds) ?? false } ? tape : nil
  }

  private static func current(holding a: Tensor, _ b: Tensor? = nil) -> Tape? {
    guard let tape = ExecutionContext.current.tape else { return nil }
    if (a.mark.tape != 0 && !tape.holds(a)) || (b.map { $0.mark.tape != 0 && !tape.holds($0) } ?? false) {
      tape.metOtherTape = true
    }
    return tape.holds(a) || (b.map(tape.holds) ?? false) ? tape : nil
  }

  /// Refuses a differentiation run inside another (`outer`) when its result
  /// depends on what the outer one tracks — its inputs come from the outer
  /// tape, or its function used such tensors. Each operation's backward here
  /// is not itself recorded, so the inner gradient would count as a
  /// constant and the outer gradient would be silently wrong.
  func refuseNesting(outer: Tape?, inputs: [Tensor], operation: String) throws {
    guard let outer else { return }
    guard metOtherTape || inputs.contains(where: outer.holds) else { return }
    throw TensorError(
      operation,
      "a gradient inside a gradient that depends on the outer one's input (a higher-order gradient) is not supported: the inner gradient would count as a constant and the result would be wrong"
    )
  }

  // MARK: The backward pass

  /// The gradients of `output` with respect to `leaves`, given the gradient
  /// of `output` itself (`seed`): each node's backward runs once, from the
  /// last to the first, and the gradients meeting at a node are summed.
  ///
  /// Recording is off while it runs. Unless `keeping`, each backward (and the
  /// forward values it saved) is freed as soon as it has run.
  func gradients(of output: Tensor, seed: Tensor, at leaves: [Tensor], keeping: Bool = false) throws -> [Tensor] {
    var store = Gradients(tape: self)
    if holds(output) {
      store.values[Int(output.mark.node)] = seed
      var context = ExecutionContext.current
      context.tape = nil
      try context.run {
        for node in stride(from: Int(output.mark.node), through: 0, by: -1) {
          let stored = store.values[node]
          let (backward, gradient) = nodes.withLock { nodes in
            defer { if !keeping { nodes.backwards[node] = nil } }
            let gradient = stored?.converted(to: nodes.types[node])
            if nodes.trace != nil, let gradient { nodes.trace?[node].gradient = gradient }
            return (nodes.backwards[node], gradient)
          }
          guard let backward, let gradient else { continue }
          store.values[node] = nil
          try backward(gradient, &store)
        }
      }
    }
    return try leaves.map { leaf in
      if holds(leaf), let gradient = store.values[Int(leaf.mark.node)] { return gradient.converted(to: leaf.dtype) }
      return try Tensor(repeating: 0, shape: leaf.shape).converted(to: leaf.dtype)
    }
  }
}

/// The gradients found so far in a backward pass, one per node of the tape.
struct Gradients {
  let tape: Tape
  var values: [Tensor?]

  init(tape: Tape) {
    self.tape = tape
    values = [Tensor?](repeating: nil, count: tape.count)
  }

  /// Whether `input` needs a gradient (it was made on the tape): a backward
  /// skips computing gradients nobody will read.
  @inline(__always)
  func needs(_ input: Tensor) -> Bool { tape.holds(input) }

  /// Adds `gradient` to the elements of `input`'s gradient that start at
  /// `offset` (row-major), zeros elsewhere: the backward of taking one
  /// element of a batch costs the element, not the whole batch.
  mutating func add(_ gradient: Tensor, to input: Tensor, atOffset offset: Int) {
    guard tape.holds(input) else { return }
    let node = Int(input.mark.node)
    assert(offset >= 0 && offset + gradient.count <= input.count, "a part outside its input")
    var total = values[node] ?? Tensor(unchecked: input.shape, TensorBuffer(repeating: 0, count: input.count))
    values[node] = nil
    total.scalars.withUnsafeMutableBufferPointer { total in
      gradient.scalars.withUnsafeBufferPointer { more in
        for index in more.indices { total[offset + index] += more[index] }
      }
    }
    values[node] = total
  }

  /// Adds `gradient` to what `input` has received (gradients of a value used
  /// twice add up). `gradient` must have `input`'s shape.
  mutating func add(_ gradient: Tensor, to input: Tensor) {
    guard tape.holds(input) else { return }
    let node = Int(input.mark.node)
    assert(gradient.shape == input.shape, "gradient \(gradient.shape) for an input of shape \(input.shape)")
    guard var existing = values[node] else {
      values[node] = gradient.untracked
      return
    }
    values[node] = nil
    if existing.dtype == .float32 {
      // Gradients of float32 values add up in float32, as PyTorch's.
      let more = gradient.floats
      _ = existing.withUnsafeMutableFloats { total in
        more.withUnsafeBufferPointer { more in
          guard let t = total.baseAddress, let m = more.baseAddress else { return }
          let (target, source) = (SharedBuffer(base: t), ConstantBuffer(base: m))
          forEachChunk(total.count, work: total.count) { range in
            for index in range { target.base[index] += source.base[index] }
          }
        }
      }
    } else {
      existing.scalars.withUnsafeMutableBufferPointer { total in
        gradient.scalars.withUnsafeBufferPointer { more in
          for index in total.indices { total[index] += more[index] }
        }
      }
    }
    values[node] = existing
  }
}

extension Tensor {
  /// The same values, not on any tape (a constant for differentiation).
  public var untracked: Tensor {
    var plain = self
    plain.mark = .none
    return plain
  }
}
