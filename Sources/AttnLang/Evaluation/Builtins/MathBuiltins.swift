import Attention

extension Builtins {
  static func unary(
    _ name: String, _ formula: String, example: String, _ function: @escaping @Sendable (Tensor) -> Tensor
  ) -> Builtin {
    Builtin(
      name: name, topic: .math, parameters: [.positional("x", .tensor, "")], summary: formula, example: example
    ) { args in .tensor(function(try args.tensor("x"))) }
  }

  static let mathBuiltins: [Builtin] = [
    unary("exp", "eˣ of each element", example: "exp([0, 1])", exp),
    unary("log", "the natural logarithm of each element (log 0 = -inf)", example: "log([1, 2.718281828])", log),
    unary("sqrt", "the square root of each element", example: "sqrt([4, 9])", sqrt),
    unary("abs", "|x| of each element", example: "abs([-2, 3])", absolute),
    unary("tanh", "the hyperbolic tangent of each element", example: "tanh([-1, 0, 1])", tanh),
    unary("sin", "the sine of each element (in radians)", example: "sin([0, pi / 2])", sin),
    unary("cos", "the cosine of each element (in radians)", example: "cos([0, pi])", cos),
    unary("relu", "max(0, x) of each element", example: "relu([-1, 0, 2])", relu),
    unary("sigmoid", "1 / (1 + e⁻ˣ) of each element", example: "sigmoid([-2, 0, 2])", sigmoid),
    unary(
      "floor", "the largest whole number at most each element (7 // 2 in Python is floor(7 / 2))",
      example: "floor([-1.5, 0.5, 2.7])", floor),
    unary("ceil", "the smallest whole number at least each element", example: "ceil([-1.5, 0.5, 2.1])", ceil),
    unary(
      "round", "each element to the nearest whole number, halves to the even one (as NumPy)",
      example: "round([0.5, 1.5, 2.6, -0.5])", round),
    unary("gelu", "x·Φ(x) = ½x(1 + erf(x/√2)) of each element: a smooth relu", example: "gelu([-1, 0, 1])", gelu),
    Builtin(
      name: "pow", topic: .math, parameters: [.positional("a", .tensor, ""), .positional("b", .tensor, "")],
      summary: "a raised to the power b, elementwise with broadcasting (also a ^ b)", example: "pow([1, 2, 3], 2)"
    ) { args in .tensor(try pow(try args.tensor("a"), try args.tensor("b"))) },
  ]

  static func reduction(
    _ name: String, _ summary: String, example: String,
    _ function: @escaping @Sendable (Tensor, Int?) throws -> Tensor
  ) -> Builtin {
    Builtin(
      name: name, topic: .reductions,
      parameters: [
        .positional("x", .tensor, ""),
        .named("axis", .integer, shown: "all", "the axis to reduce (removed); without it, every element"),
      ],
      summary: summary, example: example
    ) { args in .tensor(try function(try args.tensor("x"), try args.optionalInt("axis"))) }
  }

  static let reductionBuiltins: [Builtin] = [
    reduction("sum", "the sum of the elements", example: "sum([[1, 2], [3, 4]], axis: 0)") { try sum($0, axis: $1) },
    reduction("mean", "the mean of the elements", example: "mean([1, 2, 3, 4])") { try mean($0, axis: $1) },
    reduction("max", "the largest element", example: "max([[1, 5], [3, 2]], axis: 1)") { try amax($0, axis: $1) },
    reduction("min", "the smallest element", example: "min([3, 1, 2])") { try amin($0, axis: $1) },
    reduction("norm", "the Euclidean length √(Σ xᵢ²)", example: "norm([3, 4])\nnorm([[3, 4], [6, 8]], axis: 1)") {
      try norm($0, axis: $1)
    },
  ]
}
