import Attention

extension Builtins {
  static let trainingBuiltins: [Builtin] = [
    Builtin(
      name: "crossentropy", topic: .training,
      parameters: [
        .positional("logits", .tensor, "scores, one row per example [n, classes] (or one row)"),
        .positional("targets", .tensor, "the right class of each row, whole numbers [n]"),
      ],
      summary: "the mean cross-entropy loss of rows of scores against their right classes",
      details: """
        loss = −(1/n) Σᵢ log softmax(logitsᵢ)[targetsᵢ], through a stable log-softmax,
        as torch.nn.functional.cross_entropy. 0 when every row puts all its weight on the
        right class; log(classes) when the rows are uniform.
        Gradient: (softmax(logits) − onehot(targets)) / n; none for the targets.
        """,
      example: "crossentropy([[2, 0, 0], [0, 0, 2]], [0, 2])\ncrossentropy(zeros(1, 4), [3])"
    ) { args in .tensor(try crossEntropy(try args.tensor("logits"), try args.tensor("targets"))) },
    Builtin(
      name: "mse", topic: .training,
      parameters: [.positional("a", .tensor, "predictions"), .positional("b", .tensor, "targets")],
      summary: "the mean squared difference mean((a − b)²), with broadcasting",
      details: "As torch.nn.functional.mse_loss. Gradient 2(a − b)/n for a.",
      example: "mse([1, 2, 3], [1, 2, 5])"
    ) { args in .tensor(try meanSquaredError(try args.tensor("a"), try args.tensor("b"))) },
    Builtin(
      name: "sgd", topic: .training,
      parameters: [
        .positional("p", .any, "parameters: a tensor, or a record or list of tensors"),
        .positional("g", .any, "their gradient, of the same structure"),
        .named("lr", .number, default: 0.1, "the learning rate"),
      ],
      summary: "one step of gradient descent: p − lr · g",
      details: "p = sgd(p, grad(loss, p, X, Y), lr: 0.1) is a training step.",
      example: "sgd({w: [1, 2]}, {w: [10, -10]}, lr: 0.01)"
    ) { args in
      let rate = try args.double("lr")
      let (parameters, structure) = try tensors(args, "p")
      let gradients = try tensors(of: try args.value("g"), like: structure.template, args, "g").tensors
      return structure.rebuild(try sgdStep(parameters, gradients: gradients, learningRate: rate))
    },
    Builtin(
      name: "adam", topic: .training,
      parameters: [
        .positional("p", .any, "parameters: a tensor, or a record or list of tensors"),
        .named("lr", .number, default: 0.001, "the learning rate"),
        .named("beta1", .number, default: 0.9, "decay of the running average of gradients"),
        .named("beta2", .number, default: 0.999, "decay of the running average of squared gradients"),
        .named("eps", .number, default: 1e-8, "added to the denominator"),
        .named("decay", .string, default: "constant", "the learning rate's schedule: constant, linear or cosine"),
        .named("steps", .integer, default: 0, "the run's length, for linear and cosine decay"),
      ],
      summary: "an Adam optimizer holding the parameters p; update(opt, g) moves them",
      details: """
        opt = adam(p, lr: 0.01) holds p (opt.params), the running averages of the gradient
        (opt.m) and of its square (opt.v), and the step count (opt.t). A training step is
          opt = update(opt, grad(loss, opt.params, X, Y))
        Each step computes, exactly as torch.optim.Adam:
          m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
        decay: "linear" lowers lr to 0 over steps (lr·(1 − t/steps)); "cosine" along half a
        cosine (lr·½(1 + cos(πt/steps))).
        """,
      example: "opt = adam({w: [1, 2]}, lr: 0.1)\nopt = update(opt, {w: [1, -1]})\nopt.params.w"
    ) { args in
      let parameters = try args.value("p")
      _ = try tensors(args, "p")
      let decay = try args.string("decay")
      guard ["constant", "linear", "cosine"].contains(decay) else {
        throw Diagnostic(
          "adam: decay: must be \"constant\", \"linear\" or \"cosine\", got \"\(decay)\"", at: args.range(of: "decay"))
      }
      if decay != "constant", try args.int("steps") <= 0 {
        throw Diagnostic("adam: decay: \"\(decay)\" needs steps: (how many steps the run takes)", at: args.range)
      }
      let zero = zeroed(parameters)
      return .record(
        Record([
          ("params", parameters), ("m", zero), ("v", zero), ("t", .number(0)),
          ("lr", .number(try args.double("lr"))), ("beta1", .number(try args.double("beta1"))),
          ("beta2", .number(try args.double("beta2"))), ("eps", .number(try args.double("eps"))),
          ("decay", .string(decay)), ("steps", .number(Double(try args.int("steps")))),
        ]))
    },
    Builtin(
      name: "update", topic: .training,
      parameters: [
        .positional("opt", .any, "an optimizer from adam(…)"),
        .positional("g", .any, "the gradient of the loss at opt.params, of the same structure"),
      ],
      summary: "the optimizer after one step: parameters moved, running averages updated",
      details: "opt = update(opt, grad(loss, opt.params, X, Y)); the parameters are then opt.params.",
      example: "opt = adam([1, 2], lr: 0.5)\nupdate(opt, [1, -1]).params"
    ) { args in
      guard case .record(var optimizer) = try args.value("opt"), let parameters = optimizer["params"],
        let m = optimizer["m"], let v = optimizer["v"]
      else {
        throw Diagnostic("update: opt must be an optimizer made by adam(…)", at: args.range(of: "opt"))
      }
      func number(_ field: String) throws(Diagnostic) -> Double {
        guard case .number(let value)? = optimizer[field] else {
          throw Diagnostic("update: the optimizer's field '\(field)' must be a number", at: args.range(of: "opt"))
        }
        return value
      }
      let (current, structure) = try tensors(of: parameters, args, "opt.params")
      let gradients = try tensors(of: try args.value("g"), like: parameters, args, "g").tensors
      let steps = Int(try number("steps"))
      let schedule: LearningRateSchedule =
        switch optimizer["decay"] {
        case .string("linear")?: .linear(steps: steps)
        case .string("cosine")?: .cosine(steps: steps)
        default: .constant
        }
      var adam = try Adam(
        shapes: current.map(\.shape), learningRate: try number("lr"), beta1: try number("beta1"),
        beta2: try number("beta2"), epsilon: try number("eps"), schedule: schedule)
      adam.steps = Int(try number("t"))
      adam.firstMoments = try tensors(of: m, like: parameters, args, "opt.m").tensors
      adam.secondMoments = try tensors(of: v, like: parameters, args, "opt.v").tensors
      let updated = try adam.step(current, gradients: gradients)
      optimizer["params"] = structure.rebuild(updated)
      optimizer["m"] = structure.rebuild(adam.firstMoments)
      optimizer["v"] = structure.rebuild(adam.secondMoments)
      optimizer["t"] = .number(Double(adam.steps))
      return .record(optimizer)
    },
  ]

  /// The tensors inside an argument (a tensor, or records and lists of
  /// them), and how to put tensors back into that shape.
  static func tensors(_ args: Arguments, _ parameter: String) throws -> (tensors: [Tensor], structure: Structure) {
    try tensors(of: try args.value(parameter), args, parameter)
  }

  static func tensors(of value: Value, like template: Value? = nil, _ args: Arguments, _ what: String) throws -> (
    tensors: [Tensor], structure: Structure
  ) {
    var leaves: [Tensor] = []
    try collectLeaves(
      of: value, like: template, into: &leaves, path: what, at: args.range, name: args.name, root: what)
    return (leaves, Structure(template: template ?? value))
  }

  /// `value` with every tensor replaced by zeros of its shape.
  static func zeroed(_ value: Value) -> Value {
    switch value {
    case .number: return .number(0)
    case .tensor(let tensor): return .tensor((try? Tensor(repeating: 0, shape: tensor.shape)) ?? tensor)
    case .record(let record): return .record(Record(record.fields.map { ($0.name, zeroed($0.value)) }))
    case .list(let items): return .list(items.map(zeroed))
    default: return value
    }
  }
}

/// The shape of a record or list of tensors, to put new tensors back into.
struct Structure {
  let template: Value

  func rebuild(_ tensors: [Tensor]) -> Value {
    var next = tensors.makeIterator()
    return Builtins.rebuild(template, from: &next)
  }
}
