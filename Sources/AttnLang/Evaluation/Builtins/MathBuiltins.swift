import Attention

extension Builtins {
  static func unary(
    _ name: String, _ formula: String, example: String, _ function: @escaping @Sendable (Tensor) -> Tensor
  ) -> Builtin {
    Builtin(
      name: name, topic: .math, signature: "\(name)(x)", summary: formula, details: "", example: example,
      arity: 1...1
    ) { args in .tensor(function(try args.tensor(0))) }
  }

  static let mathBuiltins: [Builtin] = [
    unary("exp", "eˣ of each element", example: "exp([0, 1])", exp),
    unary("log", "the natural logarithm of each element (log 0 = -inf)", example: "log([1, 2.718281828])", log),
    unary("sqrt", "the square root of each element", example: "sqrt([4, 9])", sqrt),
    unary("abs", "|x| of each element", example: "abs([-2, 3])", abs),
    unary("tanh", "the hyperbolic tangent of each element", example: "tanh([-1, 0, 1])", tanh),
    unary("relu", "max(0, x) of each element", example: "relu([-1, 0, 2])", relu),
    unary("sigmoid", "1 / (1 + e⁻ˣ) of each element", example: "sigmoid([-2, 0, 2])", sigmoid),
    Builtin(
      name: "pow", topic: .math, signature: "pow(a, b)  (also a ^ b)",
      summary: "a raised to the power b, elementwise with broadcasting",
      details: "", example: "pow([1, 2, 3], 2)", arity: 2...2
    ) { args in
      let a = try args.tensor(0)
      let b = try args.tensor(1)
      try args.check(try broadcastShape(a.shape, b.shape, operation: "pow"))
      return .tensor(try pow(a, b))
    },
  ]

  static func reduction(
    _ name: String, _ summary: String, example: String,
    _ function: @escaping @Sendable (Tensor, Int?) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name: name, topic: .reductions, signature: "\(name)(x, axis:)", summary: summary,
      details: "Without axis: over every element, giving a scalar. With axis: removes that axis.",
      example: example, arity: 1...1, labels: ["axis"]
    ) { args in .tensor(try function(try args.tensor(0), try args.int("axis"))) }
  }

  static let reductionBuiltins: [Builtin] = [
    reduction("sum", "the sum of the elements", example: "sum([[1, 2], [3, 4]], axis: 0)") { try sum($0, axis: $1) },
    reduction("mean", "the mean of the elements", example: "mean([1, 2, 3, 4])") { try mean($0, axis: $1) },
    reduction("max", "the largest element", example: "max([[1, 5], [3, 2]], axis: 1)") { try max($0, axis: $1) },
    reduction("min", "the smallest element", example: "min([3, 1, 2])") { try min($0, axis: $1) },
    Builtin(
      name: "norm", topic: .reductions, signature: "norm(x, axis:)",
      summary: "the Euclidean length √(Σ xᵢ²)",
      details: "Without axis: over every element. With axis: one length per lane.",
      example: "norm([3, 4])\nnorm([[3, 4], [6, 8]], axis: 1)", arity: 1...1, labels: ["axis"]
    ) { args in
      let x = try args.tensor(0)
      return .tensor(sqrt(try sum(try x * x, axis: try args.int("axis"))))
    },
  ]
}
