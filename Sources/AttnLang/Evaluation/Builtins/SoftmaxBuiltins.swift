import Attention
import Foundation

extension Builtins {
  static let softmaxBuiltins: [Builtin] = [
    Builtin(
      name: "softmax", topic: .softmax,
      parameters: [
        .positional("x", .tensor, "the scores"),
        .named("axis", .integer, default: -1, "the axis whose lanes are normalized"),
        .named("temperature", .number, default: 1, "T > 0: higher flattens, lower sharpens"),
      ],
      summary: "turns scores into probabilities along an axis",
      details: """
        softmax(x)ᵢ = exp((xᵢ - m)/T) / Σⱼ exp((xⱼ - m)/T),  m = max x
        Subtracting the max keeps exp from overflowing. An entry of -inf gets weight 0.
        A row that is all -inf gets all-zero weights here, as in PyTorch's
        scaled_dot_product_attention; torch.softmax and nn.MultiheadAttention give NaN
        there instead. Higher temperature T flattens the distribution, lower sharpens it.
        """,
      example: "softmax([1, 2, 3])\nsoftmax([1, 2, 3], temperature: 10)"
    ) { args in
      .tensor(
        try softmax(try args.tensor("x"), axis: try args.int("axis"), temperature: try args.double("temperature")))
    },
    Builtin(
      name: "logsoftmax", topic: .softmax,
      parameters: [
        .positional("x", .tensor, "the scores"),
        .named("axis", .integer, default: -1, "the axis whose lanes are normalized"),
      ],
      summary: "the logarithm of softmax, computed without overflow or log 0",
      details: """
        logsoftmax(x)ᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m),  m = max x   (torch.nn.functional.log_softmax)
        Better than log(softmax(x)) for tiny probabilities: exp is never taken of a large number
        and log never of 0. The log-probabilities of a language model's next token.
        """,
      example: "logsoftmax([1, 2, 3])\nexp(logsoftmax([1, 2, 3]))"
    ) { args in .tensor(try logSoftmax(try args.tensor("x"), axis: try args.int("axis"))) },
    Builtin(
      name: "argmax", topic: .softmax,
      parameters: [.positional("x", .tensor, ""), .named("axis", .integer, default: -1, "")],
      summary: "the index of the largest entry along an axis (the first one on ties)",
      details:
        "Gives whole numbers. A rank-1 input gives a scalar. No gradient passes through it (a choice is a step).",
      example: "argmax([0.1, 0.7, 0.2])"
    ) { args in
      .tensor(try argmax(try args.tensor("x"), axis: try args.int("axis")))
    },
    Builtin(
      name: "sample", topic: .softmax,
      parameters: [
        .positional("p", .tensor, "weights [k] or rows of weights [m, k]"),
        .named("n", .integer, default: 1, "how many draws"),
        .named("seed", .integer, default: 0, "the same seed gives the same draws"),
        .named("temperature", .number, default: 1, "T > 0: draws from p^(1/T), renormalized"),
      ],
      summary: "draws n class indices from the distribution p",
      details: """
        Inverse-CDF sampling with the seeded SplitMix64 generator: the same seed gives
        the same draws. p is [k] (gives [n]) or rows [m, k] (gives [m, n]);
        weights need not sum to 1 but must be non-negative. temperature: T draws from p^(1/T)
        renormalized — the same as softmax(logits / T) for p = softmax(logits): below 1
        sharper, above 1 flatter. No gradient passes through a draw (a choice is a step).
        """,
      example: "sample([0.1, 0.2, 0.7], n: 10, seed: 1)"
    ) { args in
      let temperature = try args.double("temperature")
      guard temperature > 0, temperature.isFinite else {
        throw Diagnostic(
          "sample: temperature must be a positive number, got \(temperature)", at: args.range(of: "temperature"))
      }
      var p = try args.tensor("p")
      if temperature != 1 { p = p.map { pow($0, 1 / temperature) } }
      return .tensor(try sample(p, n: try args.int("n"), seed: try args.seed()))
    },
    Builtin(
      name: "onehot", topic: .softmax,
      parameters: [.positional("i", .tensor, "indices"), .positional("n", .integer, "the number of classes")],
      summary: "one-hot vectors of length n with a 1 at each index i",
      details:
        "Indices of shape s give shape s + [n]. Each index must be a whole number in 0..<n. No gradient reaches the indices.",
      example: "onehot(2, 4)\nonehot([0, 3], 4)"
    ) { args in
      .tensor(try onehot(try args.tensor("i"), try args.int("n")))
    },
    Builtin(
      name: "entropy", topic: .softmax,
      parameters: [.positional("p", .tensor, "distributions"), .named("axis", .integer, default: -1, "")],
      summary: "the Shannon entropy -Σ pᵢ log pᵢ (in nats) of distributions along an axis",
      details: "0 · log 0 counts as 0. High entropy = spread out attention; 0 = one-hot.",
      example: "entropy([0.25, 0.25, 0.25, 0.25])\nentropy([1, 0, 0, 0])"
    ) { args in
      .tensor(try entropy(try args.tensor("p"), axis: try args.int("axis")))
    },
  ]
}
