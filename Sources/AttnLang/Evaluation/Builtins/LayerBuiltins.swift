import Attention

extension Builtins {
  static let layerBuiltins: [Builtin] = [
    Builtin(
      name: "posenc", topic: .layers, signature: "posenc(n, d)",
      summary: "sinusoidal positional encodings for n positions in d dimensions",
      details: """
        PE[p, 2i] = sin(p / 10000^(2i/d)),  PE[p, 2i+1] = cos(p / 10000^(2i/d))
        (Vaswani et al., 2017). Add it to token vectors so attention can tell order.
        """,
      example: "posenc(4, 4)",
      arity: 2...2
    ) { args in
      let n = try args.int(0)
      let d = try args.int(1)
      try args.check([n, d])
      return .tensor(try positionalEncoding(n, d))
    },
    Builtin(
      name: "causal", topic: .layers, signature: "causal(n) or causal(m, n)",
      summary: "the causal mask: ones on and below the diagonal",
      details: "M[i, j] = 1 when j ≤ i (query i may see key j), else 0. Use as mask:.",
      example: "causal(3)",
      arity: 1...2
    ) { args in
      let m = try args.int(0)
      let n = args.count == 2 ? try args.int(1) : m
      try args.check([m, n])
      guard m >= 0, n >= 0 else { throw TensorError("causal", "sizes must be non-negative, got \(m) and \(n)") }
      return .tensor(try causalMask(queries: m, keys: n))
    },
    Builtin(
      name: "layernorm", topic: .layers, signature: "layernorm(x, eps: 1e-5, weight:, bias:)",
      summary: "normalizes each row (last axis) to mean 0 and variance 1",
      details: """
        y = (x - μ) / √(σ² + eps) · weight + bias,  μ and σ² (biased) over the last axis,
        as torch.nn.functional.layer_norm.
        """,
      example: "layernorm([[1, 2, 3], [10, 20, 30]])",
      arity: 1...1, labels: ["eps", "weight", "bias"]
    ) { args in
      .tensor(
        try layerNorm(
          try args.tensor(0), weight: try args.tensor("weight"), bias: try args.tensor("bias"),
          eps: try args.double("eps", default: 1e-5)))
    },
    Builtin(
      name: "linear", topic: .layers, signature: "linear(x, W, b)",
      summary: "a fully connected layer x·W + b (b optional)",
      details: "x is [..., in], W is [in, out], b is [out].",
      example: "linear([1, 2], [[1, 0, 1], [0, 1, 1]], [0, 0, 10])",
      arity: 2...3
    ) { args in
      let x = try args.tensor(0)
      let weight = try args.tensor(1)
      try args.check(try matmulShape(x.shape, weight.shape))
      return .tensor(try linear(x, weight, args.count == 3 ? try args.tensor(2) : nil))
    },
  ]
}
