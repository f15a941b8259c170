import Attention

extension Builtins {
  static let shapeBuiltins: [Builtin] = [
    Builtin(
      name: "shape", topic: .shapes, signature: "shape(x)  (also x.shape)",
      summary: "the sizes of x's axes as a vector",
      details: "A scalar has shape [].", example: "shape([[1, 2, 3], [4, 5, 6]])", arity: 1...1
    ) { args in .tensor(Tensor(try args.tensor(0).shape.map(Double.init))) },
    Builtin(
      name: "transpose", topic: .shapes, signature: "transpose(x)  (also x.T)",
      summary: "reverses the axes; for a matrix, rows become columns",
      details: "", example: "transpose([[1, 2, 3], [4, 5, 6]])", arity: 1...1
    ) { args in .tensor(try transpose(try args.tensor(0))) },
    Builtin(
      name: "reshape", topic: .shapes, signature: "reshape(x, dims...)",
      summary: "the same elements in another shape (one size may be -1)",
      details: "Elements keep their row-major order; the element counts must match.",
      example: "reshape(arange(6), 2, 3)", arity: 2...Int.max
    ) { args in .tensor(try args.tensor(0).reshaped(try args.dims(from: 1))) },
    Builtin(
      name: "concat", topic: .shapes, signature: "concat(a, b, ..., axis: 0)",
      summary: "joins tensors end to end along an existing axis",
      details: "All other sizes must agree.", example: "concat([1, 2], [3])\nconcat(eye(2), ones(2, 1), axis: 1)",
      arity: 1...Int.max, labels: ["axis"]
    ) { args in .tensor(try concat(try args.allTensors(), axis: try args.int("axis") ?? 0)) },
    Builtin(
      name: "stack", topic: .shapes, signature: "stack(a, b, ..., axis: 0)",
      summary: "stacks tensors of one shape along a new axis",
      details: "n tensors of shape s give [n] + s (with axis: 0).", example: "stack([1, 2], [3, 4])",
      arity: 1...Int.max, labels: ["axis"]
    ) { args in .tensor(try stack(try args.allTensors(), axis: try args.int("axis") ?? 0)) },
  ]
}
