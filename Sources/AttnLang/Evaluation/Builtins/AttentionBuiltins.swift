import Attention
import Synchronization

extension Builtins {
  static let attentionBuiltins: [Builtin] = [
    Builtin(
      name: "attend", topic: .attention,
      parameters: [
        .positional("q", .tensor, "the query [d], or queries [m, d] (a batch: [B, m, d])"),
        .positional("K", .tensor, "the keys [n, d] (with two arguments, also the values; a batch: [B, n, d])"),
        .optional("V", .tensor, shown: "K", "the values [n, dv] (a batch: [B, n, dv])"),
        .named("scale", .number, default: 1, "multiplies every score"),
        .named(
          "mask", .tensor, shown: "none",
          "1 = may attend, 0 = blocked (nothing else: an additive mask m is m == 0); broadcast to the scores"),
        .named("causal", .flag, default: 0, "block key j for query i when j > i"),
        .named("hard", .flag, default: 0, "one-hot at the largest score instead of softmax"),
        .named("bias", .tensor, shown: "none", "added to the scaled scores (ALiBi: alibi(n, 1)[0]); broadcast to them"),
      ],
      summary: "softmax attention of a query (or rows of queries) over a set of vectors",
      details: """
        scores  = scale · q Kᵀ      (blocked positions become -inf)
        weights = softmax(scores)   (one-hot at the largest score when hard: true)
        output  = weights · V
        With two arguments the set U is both keys and values. q is [d] or [m, d];
        K is [n, d]; V is [n, dv]. mask: has 1 = attend, 0 = blocked; causal: true
        blocks key j for query i when j > i. A fully blocked row gets zero weights.
        Returns a record with fields scores, weights, output.
        A batch — q [B, m, d], K [B, n, d], V [B, n, dv] — attends each element on its
        own: results [B, m, n] and [B, m, dv]; a mask or bias without the B axis is
        shared by all, one with it ([B, m, n]) is per element.
        Gradients (grad) flow to q, K and V; blocked positions get exactly 0. With
        hard: true the choice is a step: q and K get zero gradient, V only its chosen row's.
        """,
      example: "U = [[1, 0], [0, 1], [1, 1]]\nattend([1, 0], U)"
    ) { args in
      let keys = try args.tensor("K")
      return .record(
        Record(
          try attention(
            try args.tensor("q"), keys: keys, values: try args.optionalTensor("V") ?? keys,
            scale: try args.double("scale"), mask: try args.optionalTensor("mask"), causal: try args.bool("causal"),
            hard: try args.bool("hard"), bias: try args.optionalTensor("bias"))))
    },
    Builtin(
      name: "selfattend", topic: .attention,
      parameters: [
        .positional("X", .tensor, "the sequence [n, d], one row per token (a batch: [B, n, d])"),
        .named("wq", .tensor, shown: "I", "query projection [d, d_k]"),
        .named("wk", .tensor, shown: "I", "key projection [d, d_k]"),
        .named("wv", .tensor, shown: "I", "value projection [d, d_v]"),
        .named("scale", .number, shown: "1/√d_k", "multiplies every score"),
        .named("mask", .tensor, shown: "none", "1 = may attend, 0 = blocked (only 0 and 1)"),
        .named("causal", .flag, default: 0, "block key j for query i when j > i"),
      ],
      summary: "self-attention: every row of X attends over all rows of X",
      details: """
        Q = X·wq, K = X·wk, V = X·wv   (a missing projection is the identity)
        result = attend(Q, K, V, scale: 1/√d_k)
        The 1/√d_k scale keeps the scores' variance near 1 however wide the keys.
        Returns a record with fields scores, weights, output. A batch X [B, n, d]
        attends within each sequence: weights [B, n, n], output [B, n, d_v].
        """,
      example: "X = [[1, 0], [0, 1], [1, 1]]\nselfattend(X).weights"
    ) { args in
      .record(
        Record(
          try selfAttention(
            try args.tensor("X"), wq: try args.optionalTensor("wq"), wk: try args.optionalTensor("wk"),
            wv: try args.optionalTensor("wv"), scale: try args.optionalDouble("scale"),
            mask: try args.optionalTensor("mask"), causal: try args.bool("causal"))))
    },
    Builtin(
      name: "multihead", topic: .attention,
      parameters: [
        .positional("Xq", .tensor, "the queries' sequence [n, d_model] (a batch: [B, n, d_model])"),
        .optional("Xkv", .tensor, shown: "Xq", "the keys' and values' sequence [m, d_model] (cross-attention)"),
        .namedRequired("heads", .integer, "the number of heads h; it must divide d_model"),
        .named(
          "kvheads", .integer, shown: "heads",
          "grouped-query attention: key/value heads, each shared by heads/kvheads query heads"),
        .named("wq", .tensor, shown: "Xavier", "query projection [d_model, d_model]"),
        .named("wk", .tensor, shown: "Xavier", "key projection"),
        .named("wv", .tensor, shown: "Xavier", "value projection"),
        .named("wo", .tensor, shown: "Xavier", "output projection"),
        .named("mask", .tensor, shown: "none", "1 = may attend, 0 = blocked (only 0 and 1); [n, m]"),
        .named("causal", .flag, default: 0, "block key j for query i when j > i"),
        .named("seed", .integer, default: 0, "seed of the weights not given"),
        .named(
          "bias", .tensor, shown: "none", "added to each head's scaled scores [heads, n, m] (ALiBi: alibi(n, heads))"),
        .named("bq", .tensor, shown: "none", "query bias [d_model], added to Xq·wq"),
        .named("bk", .tensor, shown: "none", "key bias, added to Xkv·wk"),
        .named("bv", .tensor, shown: "none", "value bias, added to Xkv·wv"),
        .named("bo", .tensor, shown: "none", "output bias [d_out], added after wo"),
      ],
      summary: "multi-head attention (self with one input, cross with two)",
      details: """
        Q = Xq·wq + bq, K = Xkv·wk + bk, V = Xkv·wv + bv (biases only when given);
        head i takes columns i·d_k ..< (i+1)·d_k
        headᵢ = softmax(Qᵢ Kᵢᵀ / √d_k) Vᵢ,  d_k = d_model / h
        output = concat(head₁, …, head_h) · wo + bo
        Weights not given are Xavier-uniform [d_model, d_model] from seed:.
        From PyTorch's nn.MultiheadAttention: wq, wk, wv are the transposed thirds of
        in_proj_weight, bq, bk, bv the thirds of in_proj_bias, wo = out_proj.weightᵀ,
        bo = out_proj.bias.
        kvheads: g shares each key/value head among heads/g query heads (grouped-query
        attention; g = 1 is multi-query): wk and wv are then [d_model, g·d_k], and K, V
        (the cache of a decoder) are heads/g times smaller.
        Returns a record with output [n, d_model] and weights [heads, n, m].
        A batch Xq [B, n, d_model] (and Xkv [B, m, d_model]) gives output
        [B, n, d_model] and weights [B, heads, n, m]; the projections run over the whole
        batch at once. A mask [n, m] is shared, [B, n, m] per sequence; a bias
        [heads, n, m] shared, [B, heads, n, m] per sequence.
        """,
      example: "X = randn(4, 8, seed: 1)\nr = multihead(X, heads: 2)\nshape(r.weights)"
    ) { args in
      let result = try multihead(args, needWeights: true)
      return .record(
        Record([("output", .tensor(result.output)), ("weights", .tensor(result.weights ?? Tensor(0)))]))
    },
    Builtin(
      name: "dot", topic: .attention,
      parameters: [.positional("a", .tensor, ""), .positional("b", .tensor, "")],
      summary: "inner products along the last axis of both: [m, d]·[n, d] → [m, n] = a bᵀ",
      details: """
        [d]·[d] → scalar Σ aᵢbᵢ;  [n, d]·[d] or [d]·[n, d] → [n];  [m, d]·[n, d] → [m, n].
        The last axes must match. dot(Q, K) is attention's score matrix.
        """,
      example: "dot([1, 2, 3], [4, 5, 6])\ndot([[1, 0], [0, 1]], [[3, 4], [5, 6]])"
    ) { args in
      .tensor(try dot(try args.tensor("a"), try args.tensor("b")))
    },
    Builtin(
      name: "matmul", topic: .attention,
      parameters: [.positional("a", .tensor, ""), .positional("b", .tensor, "")],
      summary: "matrix product with NumPy's matmul rules (also a @ b)",
      details: """
        C[i, j] = Σₚ A[i, p] · B[p, j]. A vector on the left is a row, on the right a
        column; ranks 3 and 4 are stacks of matrices whose leading axes broadcast.
        """,
      example: "[[1, 2], [3, 4]] @ [1, 1]"
    ) { args in
      .tensor(try matmul(try args.tensor("a"), try args.tensor("b")))
    },
  ]
}

extension Builtins {
  /// `multihead(…).output` written out: the compiler calls this twin of
  /// `multihead` (same name and parameters), which gives the output alone
  /// from the library's fused path — no [heads, n, m] weights are made.
  static let multiheadOutput: Builtin = {
    let full = attentionBuiltins.first { $0.name == "multihead" }
    return Builtin(
      name: "multihead", topic: .attention, parameters: full?.signature.parameters ?? [],
      summary: full?.summary ?? "", details: full?.details ?? "", example: full?.example ?? ""
    ) { args in
      .tensor(try multihead(args, needWeights: false).output)
    }
  }()

  /// Runs `multihead`: with `needWeights` false, the output alone (PyTorch's
  /// need_weights=False) by the library's fused path.
  static func multihead(_ args: Arguments, needWeights: Bool) throws -> (output: Tensor, weights: Tensor?) {
    let query = try args.tensor("Xq")
    let heads = try args.int("heads")
    let kvHeads = try args.optionalInt("kvheads")
    let weights = try multiheadWeights(args, dModel: query.shape.last ?? 0, heads: heads, kvHeads: kvHeads)
    let keyValue = try args.optionalTensor("Xkv") ?? query
    let mask = try args.optionalTensor("mask")
    let causal = try args.bool("causal")
    let bias = try args.optionalTensor("bias")
    if !needWeights {
      let output = try multiHeadAttentionOutput(
        query, keyValue, heads: heads, kvHeads: kvHeads, weights: weights, mask: mask, causal: causal, bias: bias)
      return (output, nil)
    }
    let result = try multiHeadAttention(
      query, keyValue, heads: heads, kvHeads: kvHeads, weights: weights, mask: mask, causal: causal, bias: bias)
    return (result.output, result.weights)
  }

  /// Recently made default weights of small models, by (d_model, seed): a
  /// student calling `multihead` again and again gets the same weights, so
  /// they need not be drawn again each time.
  static let weightCache = Mutex<[[Int]: MultiHeadWeights]>([:])

  /// The weights a `multihead` call uses: those given, else Xavier-uniform
  /// from `seed:` — with `kvheads:`, wk and wv `[d_model, kvheads · d_k]`.
  static func multiheadWeights(_ args: Arguments, dModel: Int, heads: Int, kvHeads: Int?) throws -> MultiHeadWeights {
    var defaults = try defaultWeights(dModel: dModel, seed: try args.seed())
    if let kvHeads, kvHeads != heads, heads > 0, kvHeads > 0 {
      var generator = SplitMix64(seed: try args.seed() &+ 0x6B76)
      let width = kvHeads * (dModel / heads)
      defaults.wk = try xavierUniform(fanIn: dModel, fanOut: width, using: &generator)
      defaults.wv = try xavierUniform(fanIn: dModel, fanOut: width, using: &generator)
    }
    return MultiHeadWeights(
      wq: try args.optionalTensor("wq") ?? defaults.wq, wk: try args.optionalTensor("wk") ?? defaults.wk,
      wv: try args.optionalTensor("wv") ?? defaults.wv, wo: try args.optionalTensor("wo") ?? defaults.wo,
      bq: try args.optionalTensor("bq"), bk: try args.optionalTensor("bk"), bv: try args.optionalTensor("bv"),
      bo: try args.optionalTensor("bo"))
  }

  static func defaultWeights(dModel: Int, seed: UInt64) throws -> MultiHeadWeights {
    guard dModel <= 64 else { return try MultiHeadWeights.xavier(dModel: dModel, seed: seed) }
    let key = [dModel, Int(truncatingIfNeeded: seed)]
    if let cached = weightCache.withLock({ $0[key] }) { return cached }
    let weights = try MultiHeadWeights.xavier(dModel: dModel, seed: seed)
    weightCache.withLock { cache in
      if cache.count >= 32 { cache.removeAll() }
      cache[key] = weights
    }
    return weights
  }
}
