import Attention

extension Builtins {
  static let shapeBuiltins: [Builtin] = [
    Builtin(
      name: "shape", topic: .shapes, parameters: [.positional("x", .tensor, "")],
      summary: "the sizes of x's axes as a vector (also x.shape)",
      details: "A scalar has shape [].", example: "shape([[1, 2, 3], [4, 5, 6]])"
    ) { args in .tensor(Tensor(try args.tensor("x").shape.map(Double.init))) },
    Builtin(
      name: "transpose", topic: .shapes, parameters: [.positional("x", .tensor, "")],
      summary: "reverses the axes; for a matrix, rows become columns (also x.T)",
      example: "transpose([[1, 2, 3], [4, 5, 6]])"
    ) { args in .tensor(try transpose(try args.tensor("x"))) },
    Builtin(
      name: "reshape", topic: .shapes,
      parameters: [
        .positional("x", .tensor, ""), .variadic("dims", .tensor, "sizes (one may be -1), or one shape vector"),
      ],
      summary: "the same elements in another shape (one size may be -1)",
      details: "Elements keep their row-major order; the element counts must match.",
      example: "reshape(arange(6), 2, 3)"
    ) { args in .tensor(try args.tensor("x").reshaped(try args.dims(allowInferred: true))) },
    Builtin(
      name: "concat", topic: .shapes,
      parameters: [
        .variadic("tensors", .any, "the tensors to join, or one list of them"),
        .named("axis", .integer, default: 0, "the existing axis to join along"),
      ],
      summary: "joins tensors end to end along an existing axis",
      details: "All other sizes must agree.", example: "concat([1, 2], [3])\nconcat(eye(2), ones(2, 1), axis: 1)"
    ) { args in .tensor(try concat(try args.restTensors(), axis: try args.int("axis"))) },
    Builtin(
      name: "stack", topic: .shapes,
      parameters: [
        .variadic("tensors", .any, "tensors of one shape, or one list of them"),
        .named("axis", .integer, default: 0, "where the new axis goes"),
      ],
      summary: "stacks tensors of one shape along a new axis",
      details: "n tensors of shape s give [n] + s (with axis: 0).", example: "stack([1, 2], [3, 4])"
    ) { args in .tensor(try stack(try args.restTensors(), axis: try args.int("axis"))) },
  ]
}
