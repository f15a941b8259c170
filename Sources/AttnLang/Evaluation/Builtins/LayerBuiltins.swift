import Attention

extension Builtins {
  static let layerBuiltins: [Builtin] = [
    Builtin(
      name: "dropout", topic: .layers,
      parameters: [
        .positional("x", .tensor, "activations"),
        .positional("p", .number, "the probability of zeroing each element, in [0, 1]"),
        .namedRequired("seed", .integer, "which elements are dropped: give each step (and layer) its own"),
        .named("training", .any, default: "auto", "\"auto\" (while a gradient is computed), true or false"),
      ],
      summary: "each element zeroed with probability p, the rest scaled by 1/(1 − p), while training",
      details: """
        As torch.nn.functional.dropout: the expected value of every element is unchanged,
        and the gradient goes through the same mask. It applies only while training, and
        training is while grad (or valgrad) computes a gradient: the loss a training step
        differentiates drops, the same loss evaluated for a report or sampling does not —
        PyTorch's model.train() and model.eval() without the switch. training: true or
        false overrides it. Each seed draws its own mask (SplitMix64, one uniform per
        element): pass the step, e.g. seed: 1000 * step + layer.
        """,
      example: "dropout(ones(2, 4), 0.5, seed: 1, training: true)\ndropout(ones(2, 4), 0.5, seed: 1)"
    ) { args in
      let x = try args.tensor("x")
      let probability = try args.double("p")
      guard probability >= 0, probability <= 1 else {
        throw Diagnostic("dropout: p must be in [0, 1], got \(probability)", at: args.range(of: "p"))
      }
      let training: Bool
      switch try args.value("training") {
      case .string("auto"): training = ExecutionContext.current.isComputingGradient
      case .number(let flag) where flag == 0 || flag == 1: training = flag == 1
      default:
        throw Diagnostic(
          "dropout: training: must be \"auto\", true or false", at: args.range(of: "training"))
      }
      guard training else { return .tensor(x) }
      return .tensor(try dropout(x, probability: probability, seed: try args.seed()))
    },
    Builtin(
      name: "posenc", topic: .layers,
      parameters: [.positional("n", .integer, "positions"), .positional("d", .integer, "dimensions")],
      summary: "sinusoidal positional encodings for n positions in d dimensions",
      details: """
        PE[p, 2i] = sin(p / 10000^(2i/d)),  PE[p, 2i+1] = cos(p / 10000^(2i/d))
        (Vaswani et al., 2017). Add it to token vectors so attention can tell order.
        """,
      example: "posenc(4, 4)"
    ) { args in
      .tensor(try positionalEncoding(try args.int("n"), try args.int("d")))
    },
    Builtin(
      name: "causal", topic: .layers,
      parameters: [
        .positional("m", .integer, "queries (rows)"), .optional("n", .integer, shown: "m", "keys (columns)"),
      ],
      summary: "the causal mask: ones on and below the diagonal",
      details: "M[i, j] = 1 when j ≤ i (query i may see key j), else 0. Use as mask:.",
      example: "causal(3)"
    ) { args in
      let m = try args.int("m")
      let n = try args.optionalInt("n") ?? m
      guard m >= 0, n >= 0 else { throw TensorError("causal", "sizes must be non-negative, got \(m) and \(n)") }
      return .tensor(try causalMask(queries: m, keys: n))
    },
    Builtin(
      name: "layernorm", topic: .layers,
      parameters: [
        .positional("x", .tensor, "rows to normalize"),
        .named("eps", .number, default: 1e-5, "added to the variance"),
        .named("weight", .tensor, shown: "1", "scales each column after normalizing"),
        .named("bias", .tensor, shown: "0", "added to each column after scaling"),
      ],
      summary: "normalizes each row (last axis) to mean 0 and variance 1",
      details: """
        y = (x - μ) / √(σ² + eps) · weight + bias,  μ and σ² (biased) over the last axis,
        as torch.nn.functional.layer_norm.
        """,
      example: "layernorm([[1, 2, 3], [10, 20, 30]])"
    ) { args in
      .tensor(
        try layerNorm(
          try args.tensor("x"), weight: try args.optionalTensor("weight"), bias: try args.optionalTensor("bias"),
          eps: try args.double("eps")))
    },
    Builtin(
      name: "rmsnorm", topic: .layers,
      parameters: [
        .positional("x", .tensor, "rows to normalize"),
        .named("eps", .number, default: 1e-5, "added to the mean square"),
        .named("weight", .tensor, shown: "1", "scales each column after normalizing"),
      ],
      summary: "scales each row (last axis) to root-mean-square 1",
      details: """
        y = x / √(mean(x²) + eps) · weight, over the last axis, as torch.nn.functional.rms_norm.
        Like layernorm without subtracting the mean: cheaper, and what many recent models use.
        """,
      example: "rmsnorm([[1, 2, 3], [10, 20, 30]])"
    ) { args in
      .tensor(try rmsNorm(try args.tensor("x"), weight: try args.optionalTensor("weight"), eps: try args.double("eps")))
    },
    Builtin(
      name: "linear", topic: .layers,
      parameters: [
        .positional("x", .tensor, "inputs [..., in]"), .positional("W", .tensor, "weights [in, out]"),
        .optional("b", .tensor, shown: "0", "bias [out]"),
      ],
      summary: "a fully connected layer x·W + b (b optional)",
      details: "x is [..., in], W is [in, out], b is [out].",
      example: "linear([1, 2], [[1, 0, 1], [0, 1, 1]], [0, 0, 10])"
    ) { args in
      .tensor(try linear(try args.tensor("x"), try args.tensor("W"), try args.optionalTensor("b")))
    },
  ]
}
