import Attention

extension Builtins {
  static let layerBuiltins: [Builtin] = [
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
