import Attention

extension Builtins {
  static let gradientBuiltins: [Builtin] = [
    Builtin(
      name: "grad", topic: .gradients,
      parameters: [
        .positional("f", .function, "a function giving one number"),
        .positional("x", .any, "where: a tensor, or a record or list of tensors"),
        .variadic("rest", .any, "further arguments of f, passed on as they are"),
      ],
      summary: "the gradient of f at x: how f changes as each number of x moves",
      details: """
        grad(f, x, a, b) is ∂f(x, a, b)/∂x, with the same shape as x (a record or list of
        tensors gives a record or list of gradients, so p - 0.1 * grad(loss, p, X, Y) is a
        step of gradient descent). f runs once, every operation is recorded, and one
        backward pass computes the gradient (reverse-mode automatic differentiation, as
        PyTorch's autograd). Loops and ifs inside f count as they ran.
        Where a function has a kink the gradient is PyTorch's: relu'(0) = 0, abs'(0) = 0,
        max and min give it to the first largest (smallest) element. argmax, sample,
        onehot and hard attention pass no gradient: they choose, and a choice does not
        move a little when its input does.
        """,
      example: "def f(x) = sum(softmax(x) * [1, 2, 3])\ngrad(f, [0.1, 0.2, 0.3])\ngrad(x -> x^2, 3)"
    ) { args in
      try differentiate(args).gradient
    },
    Builtin(
      name: "valgrad", topic: .gradients,
      parameters: [
        .positional("f", .function, "a function giving one number"),
        .positional("x", .any, "where: a tensor, or a record or list of tensors"),
        .variadic("rest", .any, "further arguments of f, passed on as they are"),
      ],
      summary: "f(x) and its gradient together, from one forward and one backward pass",
      details: "Returns a record with fields value (f at x) and grad (as grad(f, x, …) gives).",
      example: "r = valgrad(x -> sum(x * x), [1, 2])\nr.value\nr.grad"
    ) { args in
      let (value, gradient) = try differentiate(args)
      return .record(Record([("value", value), ("grad", gradient)]))
    },
    Builtin(
      name: "jacobian", topic: .gradients,
      parameters: [
        .positional("f", .function, "a function of a tensor giving a tensor"),
        .positional("x", .tensor, "where"),
      ],
      summary: "every partial derivative of a tensor-valued f: J[i, j] = ∂fᵢ/∂xⱼ",
      details: """
        The shape is f(x)'s shape followed by x's (at most rank 4 in all). One backward pass
        per number of f(x). For softmax it is diag(p) - outer(p, p): each weight rises with
        its own score and falls with the others'.
        """,
      example: "jacobian(softmax, [1, 2, 3])\njacobian(x -> 2 * x, [1, 2])"
    ) { args in
      let function = try args.function("f")
      let x = try args.tensor("x")
      return .tensor(
        try Attention.jacobian(at: x) { tracked in
          let value = try args.call(function, [Value(tracked)])
          guard let result = value.tensor else {
            throw Diagnostic(
              "jacobian: f must return a tensor, got \(value.typeName)", at: args.range(of: "f"))
          }
          return result
        })
    },
  ]

  /// `f(x, rest…)` and its gradient with respect to `x`, whatever structure `x` has.
  static func differentiate(_ args: Arguments) throws -> (value: Value, gradient: Value) {
    let (value, gradient, _) = try differentiate(args, traced: false)
    return (value, gradient)
  }

  /// `differentiate`, also keeping the tape node by node when `traced` (for explain).
  static func differentiate(_ args: Arguments, traced: Bool) throws -> (
    value: Value, gradient: Value, trace: GradientTrace?
  ) {
    let function = try args.function("f")
    let x = try args.value("x")
    var leaves: [Tensor] = []
    try collectLeaves(of: x, into: &leaves, path: "x", at: args.range(of: "x"), name: args.name, root: "x")
    let rest = args.rest.map(\.value)
    let body: ([Tensor]) throws -> Tensor = { tracked in
      var next = tracked.makeIterator()
      let input = rebuild(x, from: &next)
      let result = try args.call(function, [input] + rest)
      guard let tensor = result.tensor else {
        throw Diagnostic(
          "\(args.name): f must return one number, got a \(result.typeName)", at: args.range(of: "f"))
      }
      guard tensor.count == 1 else {
        throw Diagnostic(
          "\(args.name): f must return one number, got a tensor \(Tensor.describe(tensor.shape)); "
            + "for a function giving several numbers use jacobian(f, x)", at: args.range(of: "f"))
      }
      return tensor
    }
    let value: Tensor
    let gradients: [Tensor]
    var trace: GradientTrace? = nil
    if traced {
      (value, gradients, trace) = try tracedValueWithGradient(at: leaves, of: body)
    } else {
      (value, gradients) = try valueWithGradient(at: leaves, of: body)
    }
    var next = gradients.makeIterator()
    return (Value(value), rebuild(x, from: &next), trace)
  }

  /// The tensors inside `value` (a tensor, or records and lists of them),
  /// depth first — in the order of `template`'s fields when given, so that a
  /// gradient pairs with its parameters by name. `path` names the part being
  /// walked (`p.layers[0].w`) for messages.
  static func collectLeaves(
    of value: Value, like template: Value? = nil, into leaves: inout [Tensor], path: String, at range: SourceRange,
    name: String, root: String, depth: Int = 0
  ) throws(Diagnostic) {
    guard depth < Value.maximumStructureDepth else { throw Value.tooDeep(name, at: range) }
    switch (value, template ?? value) {
    case (.number, _), (.tensor, _):
      if let tensor = value.tensor { leaves.append(tensor) }
    case (.record(let record), .record(let order)):
      guard Set(record.fieldNames) == Set(order.fieldNames) else {
        throw Diagnostic(
          "\(name): \(path) has fields {\(record.fieldNames.joined(separator: ", "))}, "
            + "the parameters have {\(order.fieldNames.joined(separator: ", "))}", at: range)
      }
      for field in order.fields {
        guard let part = record[field.name] else { continue }
        try collectLeaves(
          of: part, like: field.value, into: &leaves, path: path + "." + field.name, at: range, name: name, root: root,
          depth: depth + 1)
      }
    case (.list(let items), .list(let order)):
      guard items.count == order.count else {
        throw Diagnostic("\(name): \(path) holds \(items.count) items, the parameters \(order.count)", at: range)
      }
      for (index, item) in items.enumerated() {
        try collectLeaves(
          of: item, like: order[index], into: &leaves, path: path + "[\(index)]", at: range, name: name, root: root,
          depth: depth + 1)
      }
    default:
      throw Diagnostic(
        "\(name): \(root) must be a tensor, or records and lists of tensors; \(path) is a \(value.typeName)", at: range)
    }
  }

  /// `template` with each tensor inside it replaced by the next of `tensors`.
  static func rebuild(_ template: Value, from tensors: inout IndexingIterator<[Tensor]>) -> Value {
    switch template {
    case .number, .tensor:
      return tensors.next().map(Value.init) ?? template
    case .record(let record):
      return .record(Record(record.fields.map { ($0.name, rebuild($0.value, from: &tensors)) }))
    case .list(let items):
      return .list(items.map { rebuild($0, from: &tensors) })
    default:
      return template
    }
  }
}
