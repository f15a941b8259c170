import Attention

extension Builtins {
  static let creationBuiltins: [Builtin] = [
    Builtin(
      name: "randn", topic: .creation, signature: "randn(dims..., seed: 0)",
      summary: "standard normal random numbers (seeded: the same seed gives the same tensor)",
      details: "SplitMix64 uniforms turned normal by Box–Muller. Sizes may also be one shape tensor.",
      example: "randn(2, 3, seed: 1)",
      arity: 0...Int.max, labels: ["seed"]
    ) { args in .tensor(try randn(try args.dims(from: 0), seed: try args.seed())) },
    Builtin(
      name: "rand", topic: .creation, signature: "rand(dims..., seed: 0)",
      summary: "uniform random numbers in [0, 1) (seeded)",
      details: "The top 53 bits of SplitMix64 times 2⁻⁵³.",
      example: "rand(3, seed: 2)",
      arity: 0...Int.max, labels: ["seed"]
    ) { args in .tensor(try rand(try args.dims(from: 0), seed: try args.seed())) },
    Builtin(
      name: "zeros", topic: .creation, signature: "zeros(dims...)", summary: "a tensor of zeros",
      details: "", example: "zeros(2, 3)", arity: 0...Int.max
    ) { args in .tensor(try zeros(try args.dims(from: 0))) },
    Builtin(
      name: "ones", topic: .creation, signature: "ones(dims...)", summary: "a tensor of ones",
      details: "", example: "ones(3)", arity: 0...Int.max
    ) { args in .tensor(try ones(try args.dims(from: 0))) },
    Builtin(
      name: "eye", topic: .creation, signature: "eye(n)", summary: "the n×n identity matrix",
      details: "I[i, j] = 1 when i = j, else 0.", example: "eye(3)", arity: 1...1
    ) { args in
      let n = try args.int(0)
      try args.check([n, n])
      return .tensor(try eye(n))
    },
    Builtin(
      name: "arange", topic: .creation, signature: "arange(n)", summary: "the numbers 0, 1, …, n-1",
      details: "", example: "arange(5)", arity: 1...1
    ) { args in
      let n = try args.int(0)
      try args.check([n])
      return .tensor(try arange(n))
    },
    Builtin(
      name: "diag", topic: .creation, signature: "diag(v)",
      summary: "a square matrix with v on its diagonal (or a matrix's diagonal as a vector)",
      details: "diag(p) - outer(p, p) is the Jacobian of softmax at p.",
      example: "diag([1, 2, 3])",
      arity: 1...1
    ) { args in
      let v = try args.tensor(0)
      switch v.rank {
      case 1:
        let n = v.shape[0]
        try args.check([n, n])
        var scalars = [Double](repeating: 0, count: n * n)
        for i in 0..<n { scalars[i * n + i] = v.scalars[i] }
        return .tensor(try Tensor(shape: [n, n], scalars: scalars))
      case 2:
        let n = Swift.min(v.shape[0], v.shape[1])
        return .tensor(Tensor((0..<n).map { v.scalars[$0 * v.shape[1] + $0] }))
      default:
        throw TensorError("diag", "expects a vector or a matrix, got \(describe(shape: v.shape))")
      }
    },
    Builtin(
      name: "outer", topic: .creation, signature: "outer(a, b)",
      summary: "the outer product of two vectors: M[i, j] = aᵢ bⱼ",
      details: "", example: "outer([1, 2], [1, 10, 100])",
      arity: 2...2
    ) { args in
      let a = try args.tensor(0)
      let b = try args.tensor(1)
      guard a.rank == 1, b.rank == 1 else {
        throw TensorError(
          "outer", "expects two vectors, got \(describe(shape: a.shape)) and \(describe(shape: b.shape))")
      }
      try args.check([a.count, b.count])
      return .tensor(try a.reshaped([a.count, 1]) * b)
    },
  ]
}
