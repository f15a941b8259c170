import Attention

extension Builtins {
  static let trainingBuiltins: [Builtin] = [
    Builtin(
      name: "crossentropy", topic: .training,
      parameters: [
        .positional("logits", .tensor, "scores, one row per example [n, classes] (or one row, or [B, T, classes])"),
        .positional("targets", .tensor, "the right class of each row, whole numbers [n] (or [B, T])"),
      ],
      summary: "the mean cross-entropy loss of rows of scores against their right classes",
      details: """
        loss = −(1/n) Σᵢ log softmax(logitsᵢ)[targetsᵢ], through a stable log-softmax,
        as torch.nn.functional.cross_entropy. 0 when every row puts all its weight on the
        right class; log(classes) when the rows are uniform.
        Gradient: (softmax(logits) − onehot(targets)) / n; none for the targets.
        A batch of sequences, logits [B, T, classes] against targets [B, T], is the mean
        over all B·T positions (F.cross_entropy on the flattened view).
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
      parameters: [.positional("p", .any, "parameters: a tensor, or a record or list of tensors")]
        + optimizerOptions(lr: 0.001),
      summary: "an Adam optimizer holding the parameters p; update(opt, g) moves them",
      details: """
        opt = adam(p, lr: 0.01) holds p (opt.params), the running averages of the gradient
        (opt.m) and of its square (opt.v), and the step count (opt.t). A training step is
          opt = update(opt, grad(loss, opt.params, X, Y))
        Each step computes, exactly as torch.optim.Adam:
          m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
        \(scheduleHelp)
        """,
      example: "opt = adam({w: [1, 2]}, lr: 0.1)\nopt = update(opt, {w: [1, -1]})\nopt.params.w"
    ) { args in try makeOptimizer(args, weightDecay: 0) },
    Builtin(
      name: "adamw", topic: .training,
      parameters: [.positional("p", .any, "parameters: a tensor, or a record or list of tensors")]
        + optimizerOptions(lr: 0.001)
        + [.named("weight_decay", .number, default: 0.01, "decoupled weight decay for matrices and embeddings")],
      summary: "an AdamW optimizer: Adam with decoupled weight decay, as nanoGPT trains",
      details: """
        As adam(…), and before each step, exactly as torch.optim.AdamW:
          p ← p · (1 − lr · weight_decay)
        The decay pulls weights toward 0 whatever the gradient says. As nanoGPT groups its
        parameters, it applies to tensors of 2 or more axes (weight matrices, embeddings) and
        not to vectors or numbers (biases, LayerNorm gains).
        \(scheduleHelp)
        """,
      example:
        "opt = adamw({W: [[1, 2]], b: [1, 2]}, lr: 0.1, weight_decay: 0.5)\nupdate(opt, {W: [[0, 0]], b: [0, 0]}).params"
    ) { args in try makeOptimizer(args, weightDecay: try args.double("weight_decay")) },
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
      func number(_ field: String) throws(Diagnostic) -> Double { try optimizerNumber(optimizer, field, args) }
      let (current, structure) = try tensors(of: parameters, args, "opt.params")
      let gradients = try tensors(of: try args.value("g"), like: parameters, args, "g").tensors
      let t = try number("t")
      guard let steps = exactInteger(t), steps >= 0 else {
        let what = "the optimizer's step count 't'"
        let problem = t < 0 ? "\(what) must be 0 or more, got \(t)" : integerProblem(t, what: what)
        throw Diagnostic("update: " + problem, at: args.range(of: "opt"))
      }
      var adam = Adam(
        firstMoments: try tensors(of: m, like: parameters, args, "opt.m").tensors,
        secondMoments: try tensors(of: v, like: parameters, args, "opt.v").tensors, steps: steps,
        learningRate: try number("lr"), beta1: try number("beta1"), beta2: try number("beta2"),
        epsilon: try number("eps"), schedule: try schedule(of: optimizer, args),
        weightDecay: try optimizerNumber(optimizer, "weight_decay", args, missing: 0))
      let updated = try adam.step(current, gradients: gradients)
      optimizer["params"] = structure.rebuild(updated)
      optimizer["m"] = structure.rebuild(adam.firstMoments)
      optimizer["v"] = structure.rebuild(adam.secondMoments)
      optimizer["t"] = .number(Double(adam.steps))
      return .record(optimizer)
    },
    Builtin(
      name: "batch", topic: .training,
      parameters: [
        .positional("data", .tensor, "token ids, a vector"),
        .positional("B", .integer, "how many windows"),
        .positional("T", .integer, "tokens per window (the block size)"),
        .named("seed", .integer, default: 0, "where the windows start: give each step its own"),
      ],
      summary: "B random windows of T tokens and their next tokens: {x: [B, T], y: [B, T]}",
      details: """
        As nanoGPT's get_batch: each window starts at a uniform random position in
        0 ..< len(data) − T, x holds its T tokens and y the T tokens one further on, so
        y[b, t] is what the model should predict after reading x[b, 0..t].
          b = batch(train, 12, 64, seed: step)
          loss = crossentropy(model(P, b.x), b.y)
        """,
      example: "b = batch(range(10), 2, 4, seed: 1)\nb.x\nb.y"
    ) { args in
      let (x, y) = try sampleBatch(
        from: try args.tensor("data"), count: try args.int("B"), length: try args.int("T"), seed: try args.seed())
      return .record(Record([("x", .tensor(x)), ("y", .tensor(y))]))
    },
    Builtin(
      name: "schedule", topic: .training,
      parameters: [
        .positional("opt", .any, "an optimizer from adam(…) or adamw(…)"),
        .positional("t", .tensor, "a step, or a tensor of steps, counted from 0"),
      ],
      summary: "the learning rate opt's schedule gives at step t (its warmup and decay)",
      details: """
        The rate update uses for the step after t steps: plot(schedule(opt, range(2000))) draws
        a whole run's schedule.
        """,
      example:
        "opt = adamw([1], lr: 1e-3, decay: \"cosine\", steps: 100, warmup: 10, min_lr: 1e-4)\nschedule(opt, [0, 9, 10, 55, 100, 150])"
    ) { args in
      guard case .record(let optimizer) = try args.value("opt"), case .number(let rate)? = optimizer["lr"] else {
        throw Diagnostic("schedule: opt must be an optimizer made by adam(…) or adamw(…)", at: args.range(of: "opt"))
      }
      let schedule = try schedule(of: optimizer, args)
      let steps = try args.tensor("t")
      var rates: [Double] = []
      rates.reserveCapacity(steps.count)
      for step in steps.scalars {
        guard step >= 0, step == step.rounded(), step < 1e15 else {
          throw Diagnostic(
            "schedule: t must hold whole numbers of steps from 0, got \(step)", at: args.range(of: "t"))
        }
        rates.append(schedule.rate(rate, at: Int(step)))
      }
      return .tensor(try Tensor(shape: steps.shape, scalars: rates))
    },
    Builtin(
      name: "clipgrad", topic: .training,
      parameters: [
        .positional("g", .any, "a gradient: a tensor, or a record or list of tensors"),
        .positional("max", .number, "the largest global norm to allow"),
      ],
      summary: "the gradient scaled down to a global norm of at most max, and its norm before",
      details: """
        Returns {grad: …, norm: …}: every tensor of g multiplied by min(1, max / (norm + 1e-6)),
        where norm is the 2-norm of all of g's numbers as one vector — exactly
        torch.nn.utils.clip_grad_norm_. norm is the norm before clipping: a spike in it shows a
        step that clipping tamed.
          c = clipgrad(grad(loss, opt.params, X, Y), 1.0)
          opt = update(opt, c.grad)
        """,
      example: "clipgrad({w: [3, 4], b: [0]}, 1)"
    ) { args in
      let (gradients, structure) = try tensors(args, "g")
      let maxNorm = try args.double("max")
      guard maxNorm > 0, maxNorm.isFinite else {
        throw Diagnostic("clipgrad: max must be a positive number, got \(maxNorm)", at: args.range(of: "max"))
      }
      let (clipped, norm) = try clipGradientNorm(gradients, maxNorm: maxNorm)
      return .record(Record([("grad", structure.rebuild(clipped)), ("norm", .number(norm))]))
    },
  ]

  /// The options adam and adamw share: the step size, the moments' decay, ε and the schedule.
  static func optimizerOptions(lr: Double) -> [Parameter] {
    [
      .named("lr", .number, default: lr, "the learning rate"),
      .named("beta1", .number, default: 0.9, "decay of the running average of gradients"),
      .named("beta2", .number, default: 0.999, "decay of the running average of squared gradients"),
      .named("eps", .number, default: 1e-8, "added to the denominator"),
      .named("decay", .string, default: "constant", "the learning rate's schedule: constant, linear or cosine"),
      .named("steps", .integer, default: 0, "the step at which a decay reaches min_lr"),
      .named("warmup", .integer, default: 0, "steps over which lr climbs from near 0 before the decay"),
      .named("min_lr", .number, default: 0, "the learning rate a decay ends at"),
    ]
  }

  static let scheduleHelp = """
    decay: "linear" lowers lr to min_lr (default 0) at step steps, "cosine" along half a
    cosine; warmup: W first raises it as lr·(t+1)/(W+1), as nanoGPT's get_lr: adamw(p, lr:
    1e-3, decay: "cosine", steps: 2000, warmup: 100, min_lr: 1e-4). schedule(opt, t) gives
    the rate at step t.
    """

  /// An optimizer record for adam(…) and adamw(…), its options checked.
  static func makeOptimizer(_ args: Arguments, weightDecay: Double) throws -> Value {
    let parameters = try args.value("p")
    _ = try tensors(args, "p")
    let decay = try args.string("decay")
    guard LearningRateSchedule.Decay(rawValue: decay) != nil else {
      throw Diagnostic(
        "\(args.name): decay: must be \"constant\", \"linear\" or \"cosine\", got \"\(decay)\"",
        at: args.range(of: "decay"))
    }
    let steps = try args.int("steps")
    let warmup = try args.int("warmup")
    if decay != "constant", steps <= 0 {
      throw Diagnostic("\(args.name): decay: \"\(decay)\" needs steps: (the step at which it ends)", at: args.range)
    }
    if warmup < 0 { throw Diagnostic("\(args.name): warmup: must be 0 or more", at: args.range(of: "warmup")) }
    if decay != "constant", warmup >= steps {
      throw Diagnostic(
        "\(args.name): warmup: \(warmup) must be shorter than steps: \(steps)", at: args.range(of: "warmup"))
    }
    if weightDecay < 0 || !weightDecay.isFinite {
      throw Diagnostic(
        "\(args.name): weight_decay: must be 0 or more, got \(weightDecay)", at: args.range(of: "weight_decay"))
    }
    let zero = zeroed(parameters)
    var fields: [(String, Value)] = [
      ("params", parameters), ("m", zero), ("v", zero), ("t", .number(0)),
      ("lr", .number(try args.double("lr"))), ("beta1", .number(try args.double("beta1"))),
      ("beta2", .number(try args.double("beta2"))), ("eps", .number(try args.double("eps"))),
      ("decay", .string(decay)), ("steps", .number(Double(steps))), ("warmup", .number(Double(warmup))),
      ("min_lr", .number(try args.double("min_lr"))),
    ]
    if args.name == "adamw" { fields.append(("weight_decay", .number(weightDecay))) }
    return .record(Record(fields))
  }

  /// A number field of an optimizer record; `missing` (when given) stands for
  /// a field that records from before it existed lack.
  static func optimizerNumber(_ optimizer: Record, _ field: String, _ args: Arguments, missing: Double? = nil)
    throws(Diagnostic) -> Double
  {
    if optimizer[field] == nil, let missing { return missing }
    guard case .number(let value)? = optimizer[field] else {
      throw Diagnostic("\(args.name): the optimizer's field '\(field)' must be a number", at: args.range(of: "opt"))
    }
    return value
  }

  /// The schedule an optimizer record describes (records from before warmup
  /// and min_lr existed have neither).
  static func schedule(of optimizer: Record, _ args: Arguments) throws(Diagnostic) -> LearningRateSchedule {
    func whole(_ field: String) throws(Diagnostic) -> Int {
      guard let value = optimizer[field] else { return 0 }
      guard case .number(let number) = value, number >= 0, number < 1e15, number == number.rounded() else {
        throw Diagnostic(
          "\(args.name): the optimizer's field '\(field)' must be a whole number of steps", at: args.range(of: "opt"))
      }
      return Int(number)
    }
    let minimum = try optimizerNumber(optimizer, "min_lr", args, missing: 0)
    let decay: LearningRateSchedule.Decay =
      switch optimizer["decay"] {
      case .string(let name)?: LearningRateSchedule.Decay(rawValue: name) ?? .constant
      default: .constant
      }
    return LearningRateSchedule(
      decay: decay, steps: try whole("steps"), warmup: try whole("warmup"), minimum: minimum)
  }

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
