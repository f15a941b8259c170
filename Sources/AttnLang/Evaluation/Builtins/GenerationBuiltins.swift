import Attention

extension Builtins {
  static let generationBuiltins: [Builtin] = [
    Builtin(
      name: "generate", topic: .training,
      parameters: [
        .positional("f", .function, "the model: token ids [T] (or [B, T]) to logits [T, V] (or [B, T, V])"),
        .positional("ids", .tensor, "the context to continue: token ids [T], or one row per sequence [B, T]"),
        .positional("n", .integer, "how many tokens to add"),
        .named("block", .integer, shown: "all", "the longest context f is given: the last block tokens"),
        .named("temperature", .number, default: 1, "divides the logits: below 1 sharper, above 1 flatter"),
        .named("top_k", .integer, shown: "all", "draw only among the k most likely tokens"),
        .named("seed", .integer, default: 0, "the same seed gives the same text"),
      ],
      summary: "ids continued by n tokens, each drawn from f's prediction for the next one",
      details: """
        As nanoGPT's generate: n times, the last block tokens go through f, the logits
        of the last position are divided by temperature, all but the top_k largest set to
        -inf, and the next token is drawn from their softmax (SplitMix64, one uniform per
        sequence and step) and appended. Dropout in f is off (no gradient is computed).
          decode(v, generate(t -> model(P, t), encode(v, "ROMEO:"), 100, block: 64, top_k: 10))
        """,
      example: "flip = t -> onehot(1 - t, 2)\ngenerate(flip, [0], 8, seed: 3)\ngenerate(flip, [0], 8, top_k: 1)"
    ) { args in
      let function = try args.function("f")
      var ids = try args.tensor("ids").untracked
      let count = try args.int("n")
      guard ids.rank == 1 || ids.rank == 2, ids.count > 0 else {
        throw Diagnostic(
          "generate: ids must be a context of at least one token, [T] or [B, T], got \(Tensor.describe(ids.shape))",
          at: args.range(of: "ids"))
      }
      guard count >= 0 else { throw Diagnostic("generate: n must be 0 or more, got \(count)", at: args.range(of: "n")) }
      let block = try args.optionalInt("block")
      if let block, block < 1 {
        throw Diagnostic("generate: block must be at least 1, got \(block)", at: args.range(of: "block"))
      }
      let temperature = try args.double("temperature")
      guard temperature > 0, temperature.isFinite else {
        throw Diagnostic(
          "generate: temperature must be a positive number, got \(temperature)", at: args.range(of: "temperature"))
      }
      let topK = try args.optionalInt("top_k")
      if let topK, topK < 1 {
        throw Diagnostic("generate: top_k must be at least 1, got \(topK)", at: args.range(of: "top_k"))
      }
      let rows = ids.rank == 1 ? 1 : ids.shape[0]
      let length = ids.shape[ids.rank - 1]
      try ExecutionContext.current.reserve([rows, length + count], operation: "generate")
      let given = ids.scalars
      var sequences = (0..<rows).map { Array(given[$0 * length..<($0 + 1) * length]) }
      var generator = SplitMix64(seed: try args.seed())
      for _ in 0..<count {
        try args.runtime.checkStop(at: args.range)
        let seen = min(sequences[0].count, block ?? Int.max)
        let context = sequences.flatMap { $0.suffix(seen) }
        let input = try Tensor(shape: ids.rank == 1 ? [seen] : [rows, seen], scalars: context)
        let result = try args.call(function, [.tensor(input)])
        guard case .tensor(let logits) = result, logits.rank == ids.rank + 1,
          Array(logits.shape.dropLast()) == input.shape, logits.shape.last ?? 0 > 0
        else {
          let given = result.tensor.map { Tensor.describe($0.shape) } ?? "a \(result.typeName)"
          throw Diagnostic(
            "generate: f must give logits \(ids.rank == 1 ? "[T, V]" : "[B, T, V]") for ids \(Tensor.describe(input.shape)), got \(given)",
            at: args.range(of: "f"))
        }
        let vocabulary = logits.shape[logits.rank - 1]
        for row in 0..<rows {
          let last = (row * seen + seen - 1) * vocabulary
          let next = try drawNext(
            Array(logits.scalars[last..<last + vocabulary]), temperature: temperature, topK: topK,
            using: &generator, at: args)
          sequences[row].append(Double(next))
        }
      }
      ids = try Tensor(
        shape: ids.rank == 1 ? [length + count] : [rows, length + count], scalars: sequences.flatMap { $0 })
      return .tensor(ids)
    }
  ]

  /// One token drawn from the softmax of `logits / temperature`, among the
  /// `topK` largest only when given (ties at the k-th value are all kept, as
  /// nanoGPT's `logits < v[:, [-1]]` keeps them).
  static func drawNext(
    _ logits: [Double], temperature: Double, topK: Int?, using generator: inout SplitMix64, at args: Arguments
  ) throws -> Int {
    var scaled = logits.map { $0 / temperature }
    guard scaled.allSatisfy({ !$0.isNaN && $0 != .infinity }) else {
      throw Diagnostic("generate: f gave logits that are NaN or +inf", at: args.range(of: "f"))
    }
    if let topK, topK < scaled.count {
      let threshold = scaled.sorted(by: >)[topK - 1]
      for index in scaled.indices where scaled[index] < threshold { scaled[index] = -.infinity }
    }
    guard let largest = scaled.max(), largest > -.infinity else {
      throw Diagnostic("generate: f gave logits that are all -inf: no token can follow", at: args.range(of: "f"))
    }
    let weights = try softmax(Tensor(scaled)).scalars
    return drawIndex(from: weights[...], total: weights.reduce(0, +), using: &generator)
  }
}
