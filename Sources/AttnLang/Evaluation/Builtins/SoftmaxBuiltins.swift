import Attention
import Foundation

extension Builtins {
  static let softmaxBuiltins: [Builtin] = [
    Builtin(
      name: "softmax", topic: .softmax, signature: "softmax(x, axis: -1, temperature: 1)",
      summary: "turns scores into probabilities along an axis",
      details: """
        softmax(x)ᵢ = exp((xᵢ - m)/T) / Σⱼ exp((xⱼ - m)/T),  m = max x
        Subtracting the max keeps exp from overflowing. An entry of -inf gets weight 0;
        a row that is all -inf gets all-zero weights (PyTorch's choice). Higher
        temperature T flattens the distribution, lower sharpens it.
        """,
      example: "softmax([1, 2, 3])\nsoftmax([1, 2, 3], temperature: 10)",
      arity: 1...1, labels: ["axis", "temperature"]
    ) { args in
      .tensor(
        try softmax(
          try args.tensor(0), axis: try args.int("axis") ?? -1,
          temperature: try args.double("temperature", default: 1)))
    },
    Builtin(
      name: "argmax", topic: .softmax, signature: "argmax(x, axis: -1)",
      summary: "the index of the largest entry along an axis (the first one on ties)",
      details: "Gives whole numbers. A rank-1 input gives a scalar.",
      example: "argmax([0.1, 0.7, 0.2])",
      arity: 1...1, labels: ["axis"]
    ) { args in
      .tensor(try argmax(try args.tensor(0), axis: try args.int("axis") ?? -1))
    },
    Builtin(
      name: "sample", topic: .softmax, signature: "sample(p, n: 1, seed: 0)",
      summary: "draws n class indices from the distribution p",
      details: """
        Inverse-CDF sampling with the seeded SplitMix64 generator: the same seed gives
        the same draws. p is [k] (gives [n]) or rows [m, k] (gives [m, n]);
        weights need not sum to 1 but must be non-negative.
        """,
      example: "sample([0.1, 0.2, 0.7], n: 10, seed: 1)",
      arity: 1...1, labels: ["n", "seed"]
    ) { args in
      let p = try args.tensor(0)
      let n = try args.int("n") ?? 1
      try args.check([p.rank == 2 ? p.shape[0] : 1, Swift.max(n, 0)])
      return .tensor(try sample(p, n: n, seed: try args.seed()))
    },
    Builtin(
      name: "onehot", topic: .softmax, signature: "onehot(i, n)",
      summary: "one-hot vectors of length n with a 1 at each index i",
      details: "Indices of shape s give shape s + [n]. Each index must be a whole number in 0..<n.",
      example: "onehot(2, 4)\nonehot([0, 3], 4)",
      arity: 2...2
    ) { args in
      let indices = try args.tensor(0)
      let n = try args.int(1)
      try args.check(indices.shape + [Swift.max(n, 0)])
      return .tensor(try onehot(indices, n))
    },
    Builtin(
      name: "entropy", topic: .softmax, signature: "entropy(p, axis: -1)",
      summary: "the Shannon entropy -Σ pᵢ log pᵢ (in nats) of distributions along an axis",
      details: "0 · log 0 counts as 0. High entropy = spread out attention; 0 = one-hot.",
      example: "entropy([0.25, 0.25, 0.25, 0.25])\nentropy([1, 0, 0, 0])",
      arity: 1...1, labels: ["axis"]
    ) { args in
      let p = try args.tensor(0)
      let terms = p.map { $0 > 0 ? -$0 * log($0) : ($0.isNaN ? .nan : 0) }
      return .tensor(try sum(terms, axis: try args.int("axis") ?? -1))
    },
  ]
}
