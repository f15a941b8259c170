import Attention

extension Builtins {
  static let dimsParameter = Parameter.variadic("dims", .tensor, "sizes, or one shape vector")
  static let seedParameter = Parameter.named("seed", .integer, default: 0, "the same seed gives the same numbers")

  static let creationBuiltins: [Builtin] = [
    Builtin(
      name: "randn", topic: .creation,
      parameters: [dimsParameter, seedParameter, .named("std", .number, default: 1, "the standard deviation")],
      summary: "normal random numbers, mean 0 (seeded: the same seed gives the same tensor)",
      details: """
        SplitMix64 uniforms turned normal by Box–Muller, times std (to initialize a model's
        weights: randn(16, 16, seed: 1, std: 0.08)). Sizes may also be one shape tensor.
        """,
      example: "randn(2, 3, seed: 1)\nrandn(3, seed: 1, std: 0.1)"
    ) { args in
      let values = try randn(try args.dims(), seed: try args.seed())
      let std = try args.double("std")
      return .tensor(std == 1 ? values : values.map { $0 * std })
    },
    Builtin(
      name: "rand", topic: .creation, parameters: [dimsParameter, seedParameter],
      summary: "uniform random numbers in [0, 1) (seeded)",
      details: "The top 53 bits of SplitMix64 times 2⁻⁵³.",
      example: "rand(3, seed: 2)"
    ) { args in .tensor(try rand(try args.dims(), seed: try args.seed())) },
    Builtin(
      name: "zeros", topic: .creation, parameters: [dimsParameter], summary: "a tensor of zeros",
      example: "zeros(2, 3)"
    ) { args in .tensor(try zeros(try args.dims())) },
    Builtin(
      name: "ones", topic: .creation, parameters: [dimsParameter], summary: "a tensor of ones", example: "ones(3)"
    ) { args in .tensor(try ones(try args.dims())) },
    Builtin(
      name: "eye", topic: .creation, parameters: [.positional("n", .integer, "")], summary: "the n×n identity matrix",
      details: "I[i, j] = 1 when i = j, else 0.", example: "eye(3)"
    ) { args in .tensor(try eye(try args.int("n"))) },
    Builtin(
      name: "arange", topic: .creation, parameters: [.positional("n", .integer, "")],
      summary: "the numbers 0, 1, …, n-1", example: "arange(5)"
    ) { args in .tensor(try arange(try args.int("n"))) },
    Builtin(
      name: "diag", topic: .creation, parameters: [.positional("v", .tensor, "a vector, or a matrix")],
      summary: "a square matrix with v on its diagonal (or a matrix's diagonal as a vector)",
      details: "diag(p) - outer(p, p) is the Jacobian of softmax at p.",
      example: "diag([1, 2, 3])"
    ) { args in .tensor(try diag(try args.tensor("v"))) },
    Builtin(
      name: "outer", topic: .creation, parameters: [.positional("a", .tensor, ""), .positional("b", .tensor, "")],
      summary: "the outer product of two vectors: M[i, j] = aᵢ bⱼ",
      example: "outer([1, 2], [1, 10, 100])"
    ) { args in .tensor(try outer(try args.tensor("a"), try args.tensor("b"))) },
  ]
}
