import Attention
import Synchronization

extension Builtins {
  static let attentionBuiltins: [Builtin] = [
    Builtin(
      name: "attend", topic: .attention,
      signature: "attend(q, U) or attend(q, K, V, scale: 1, mask:, causal: false, hard: false)",
      summary: "softmax attention of a query (or rows of queries) over a set of vectors",
      details: """
        scores  = scale · q Kᵀ      (blocked positions become -inf)
        weights = softmax(scores)   (one-hot at the largest score when hard: true)
        output  = weights · V
        With two arguments the set U is both keys and values. q is [d] or [m, d];
        K is [n, d]; V is [n, dv]. mask: has 1 = attend, 0 = blocked; causal: true
        blocks key j for query i when j > i. A fully blocked row gets zero weights.
        Returns a record with fields scores, weights, output.
        """,
      example: "U = [[1, 0], [0, 1], [1, 1]]\nattend([1, 0], U)",
      arity: 2...3, labels: ["scale", "mask", "causal", "hard"]
    ) { args in
      let query = try args.tensor(0)
      let keys = try args.tensor(1)
      let values = args.count == 3 ? try args.tensor(2) : keys
      let rows = query.rank == 2 ? query.shape[0] : 1
      try args.check([rows, keys.shape.first ?? 0])
      return .record(
        Record(
          try attention(
            query, keys: keys, values: values, scale: try args.double("scale", default: 1),
            mask: try args.tensor("mask"), causal: try args.bool("causal"), hard: try args.bool("hard"))))
    },
    Builtin(
      name: "selfattend", topic: .attention,
      signature: "selfattend(X, wq:, wk:, wv:, scale: 1/√d_k, mask:, causal: false)",
      summary: "self-attention: every row of X attends over all rows of X",
      details: """
        Q = X·wq, K = X·wk, V = X·wv   (a missing projection is the identity)
        result = attend(Q, K, V, scale: 1/√d_k)
        The 1/√d_k scale keeps the scores' variance near 1 however wide the keys.
        Returns a record with fields scores, weights, output.
        """,
      example: "X = [[1, 0], [0, 1], [1, 1]]\nselfattend(X).weights",
      arity: 1...1, labels: ["wq", "wk", "wv", "scale", "mask", "causal"]
    ) { args in
      let x = try args.tensor(0)
      try args.check([x.shape.first ?? 0, x.shape.first ?? 0])
      let scale: Double? = args.has("scale") ? try args.double("scale", default: 1) : nil
      return .record(
        Record(
          try selfAttention(
            x, wq: try args.tensor("wq"), wk: try args.tensor("wk"), wv: try args.tensor("wv"), scale: scale,
            mask: try args.tensor("mask"), causal: try args.bool("causal"))))
    },
    Builtin(
      name: "multihead", topic: .attention,
      signature:
        "multihead(X, heads: h) or multihead(Xq, Xkv, heads: h, wq:, wk:, wv:, wo:, mask:, causal: false, seed: 0)",
      summary: "multi-head attention (self with one input, cross with two)",
      details: """
        Q = Xq·wq, K = Xkv·wk, V = Xkv·wv; head i takes columns i·d_k ..< (i+1)·d_k
        headᵢ = softmax(Qᵢ Kᵢᵀ / √d_k) Vᵢ,  d_k = d_model / h
        output = concat(head₁, …, head_h) · wo
        Weights not given are Xavier-uniform [d_model, d_model] from seed:.
        Returns a record with output [n, d_model] and weights [heads, n, m].
        """,
      example: "X = randn(4, 8, seed: 1)\nr = multihead(X, heads: 2)\nshape(r.weights)",
      arity: 1...2, labels: ["heads", "wq", "wk", "wv", "wo", "mask", "causal", "seed"]
    ) { args in
      let query = try args.tensor(0)
      let keyValue = args.count == 2 ? try args.tensor(1) : query
      guard let heads = try args.int("heads") else {
        throw Diagnostic("multihead needs heads:, as in multihead(X, heads: 2)", at: args.range)
      }
      let dModel = query.shape.last ?? 0
      let rows = query.shape.first ?? 0
      try args.check([Swift.max(heads, 1), rows, keyValue.shape.first ?? 0])
      try args.check([dModel, dModel])
      let defaults = try defaultWeights(dModel: dModel, seed: try args.seed())
      let weights = MultiHeadWeights(
        wq: try args.tensor("wq") ?? defaults.wq, wk: try args.tensor("wk") ?? defaults.wk,
        wv: try args.tensor("wv") ?? defaults.wv, wo: try args.tensor("wo") ?? defaults.wo)
      let result = try multiHeadAttention(
        query, keyValue, heads: heads, weights: weights, mask: try args.tensor("mask"),
        causal: try args.bool("causal"))
      return .record(Record([("output", .tensor(result.output)), ("weights", .tensor(result.weights))]))
    },
    Builtin(
      name: "dot", topic: .attention, signature: "dot(a, b)",
      summary: "inner products along the last axis of both: [m, d]·[n, d] → [m, n] = a bᵀ",
      details: """
        [d]·[d] → scalar Σ aᵢbᵢ;  [n, d]·[d] or [d]·[n, d] → [n];  [m, d]·[n, d] → [m, n].
        The last axes must match. dot(Q, K) is attention's score matrix.
        """,
      example: "dot([1, 2, 3], [4, 5, 6])\ndot([[1, 0], [0, 1]], [[3, 4], [5, 6]])",
      arity: 2...2
    ) { args in
      let a = try args.tensor(0)
      let b = try args.tensor(1)
      try args.check([a.rank == 2 ? a.shape[0] : 1, b.rank == 2 ? b.shape[0] : 1])
      return .tensor(try dot(a, b))
    },
    Builtin(
      name: "matmul", topic: .attention, signature: "matmul(a, b)  (also a @ b)",
      summary: "matrix product with NumPy's matmul rules",
      details: """
        C[i, j] = Σₚ A[i, p] · B[p, j]. A vector on the left is a row, on the right a
        column; ranks 3 and 4 are stacks of matrices whose leading axes broadcast.
        """,
      example: "[[1, 2], [3, 4]] @ [1, 1]",
      arity: 2...2
    ) { args in
      let a = try args.tensor(0)
      let b = try args.tensor(1)
      try args.check(try matmulShape(a.shape, b.shape))
      return .tensor(try matmul(a, b))
    },
  ]
}

extension Builtins {
  /// Recently made default weights of small models, by (d_model, seed): a
  /// student calling `multihead` again and again gets the same weights, so
  /// they need not be drawn again each time.
  static let weightCache = Mutex<[[Int]: MultiHeadWeights]>([:])

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
