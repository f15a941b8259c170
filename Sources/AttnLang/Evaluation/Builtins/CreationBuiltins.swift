import Attention

extension Builtins {
  static let dimsParameter = Parameter.variadic("dims", .tensor, "sizes, or one shape vector")
  static let seedParameter = Parameter.named("seed", .integer, default: 0, "the same seed gives the same numbers")
  static let dtypeParameter = Parameter.named(
    "dtype", .string, default: "float64", "the element type: \"float64\", \"float32\" or \"bfloat16\"")

  static let creationBuiltins: [Builtin] = [
    Builtin(
      name: "randn", topic: .creation,
      parameters: [
        dimsParameter, seedParameter, .named("std", .number, default: 1, "the standard deviation"), dtypeParameter,
      ],
      summary: "normal random numbers, mean 0 (seeded: the same seed gives the same tensor)",
      details: """
        SplitMix64 uniforms turned normal by Box–Muller, times std (to initialize a model's
        weights: randn(16, 16, seed: 1, std: 0.08)). Sizes may also be one shape tensor.
        """,
      example: "randn(2, 3, seed: 1)\nrandn(3, seed: 1, std: 0.1)"
    ) { args in
      let values = try randn(try args.dims(), seed: try args.seed())
      let std = try args.double("std")
      return .tensor((std == 1 ? values : values.map { $0 * std }).converted(to: try args.dtype()))
    },
    Builtin(
      name: "rand", topic: .creation, parameters: [dimsParameter, seedParameter, dtypeParameter],
      summary: "uniform random numbers in [0, 1) (seeded)",
      details: "The top 53 bits of SplitMix64 times 2⁻⁵³.",
      example: "rand(3, seed: 2)"
    ) { args in .tensor(try rand(try args.dims(), seed: try args.seed()).converted(to: try args.dtype())) },
    Builtin(
      name: "zeros", topic: .creation, parameters: [dimsParameter, dtypeParameter], summary: "a tensor of zeros",
      example: "zeros(2, 3)\nzeros(2, dtype: \"float32\")"
    ) { args in .tensor(try zeros(try args.dims()).converted(to: try args.dtype())) },
    Builtin(
      name: "ones", topic: .creation, parameters: [dimsParameter, dtypeParameter], summary: "a tensor of ones",
      example: "ones(3)"
    ) { args in .tensor(try ones(try args.dims()).converted(to: try args.dtype())) },
    Builtin(
      name: "eye", topic: .creation, parameters: [.positional("n", .integer, ""), dtypeParameter],
      summary: "the n×n identity matrix",
      details: "I[i, j] = 1 when i = j, else 0.", example: "eye(3)"
    ) { args in .tensor(try eye(try args.int("n")).converted(to: try args.dtype())) },
    Builtin(
      name: "arange", topic: .creation, parameters: [.positional("n", .integer, ""), dtypeParameter],
      summary: "the numbers 0, 1, …, n-1", example: "arange(5)"
    ) { args in .tensor(try arange(try args.int("n")).converted(to: try args.dtype())) },
    conversion(
      to: .float32,
      summary: "x with its elements stored as float32 (rounded to nearest, ties to even)",
      details: """
        Single precision: 24 significant bits (about 7 digits), largest value 3.4e38, so exp(89)
        overflows to inf. PyTorch's default type. Arithmetic with float32 tensors gives float32
        (numbers do not widen it; a float64 tensor does). Gradients pass through unchanged.
        Arithmetic, products, softmax, attend, selfattend, multihead, gelu, layernorm,
        crossentropy, clipgrad and adamw compute in float32, as PyTorch's CPU kernels do (softmax's
        and crossentropy's sums in float64); other operations compute in float64 and round to
        float32.
        """,
      example: "float32([0.1, 1/3])\nfloat32(exp(89))"),
    conversion(
      to: .float64,
      summary: "x with its elements stored as float64 (exact: every float32 and bfloat16 is a float64)",
      details: "Double precision: 53 significant bits (about 16 digits); attn's default type.",
      example: "float64(float32(0.1))"),
    conversion(
      to: .bfloat16,
      summary: "x stored as bfloat16: float32's 8 exponent bits, 7 mantissa bits (rounded, ties to even)",
      details: """
        The top 16 bits of a float32: the same range (3.4e38) with 2–3 significant digits. Every
        result is rounded back to bfloat16, as PyTorch on a CPU does; arithmetic, products, gelu
        and layernorm compute in float32 on the way, other operations in float64.
        """,
      example: "bfloat16([0.1, 1/3, 1000.5])"),
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

  /// `float32(x)`, `float64(x)`, `bfloat16(x)`: `x` (a tensor, a number, or
  /// a record or list of them, such as a model's parameters) converted.
  static func conversion(to dtype: DType, summary: String, details: String, example: String) -> Builtin {
    Builtin(
      name: dtype.rawValue, topic: .creation,
      parameters: [.positional("x", .any, "a tensor or number, or a record or list of them (a model's parameters)")],
      summary: summary, details: details, example: example
    ) { args in
      let value = try args.value("x")
      guard value.holdsOnlyNumbers else {
        throw Diagnostic(
          "\(dtype.rawValue): x must be a tensor or number, or a record or list of them; got \(value.typeName)",
          at: args.range(of: "x"))
      }
      return value.converted(to: dtype, replacing: true)
    }
  }
}
