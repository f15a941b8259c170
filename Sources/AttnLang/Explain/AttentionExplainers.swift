import Attention
import Foundation

extension Explainers {
  /// attend(q, K, V, scale:, mask:, causal:, hard:): scores, scale, masking,
  /// softmax, weighted sum — each with one entry written out.
  static let explainAttend: Explainer = { args, labels in
    let query = try args.tensor("q")
    let keys = try args.tensor("K")
    let values = try args.optionalTensor("V") ?? keys
    let scale = try args.double("scale")
    let precision = args.session.options.display.precision
    let stages = try attentionStages(
      query: query, keys: keys, values: values, scale: scale, mask: try args.optionalTensor("mask"),
      causal: try args.bool("causal"), hard: try args.bool("hard"), labels: labels, precision: precision,
      names: ("q", "k", "v"))
    return Explanation(
      call: callText(args), summary: "softmax attention, step by step", stages: stages)
  }

  /// The five stages of attention, computed with the library's own operations.
  static func attentionStages(
    query: Tensor, keys: Tensor, values: Tensor, scale: Double, mask: Tensor?, causal: Bool, hard: Bool,
    labels: Labels, precision: Int, names: (q: String, k: String, v: String)
  ) throws -> [Explanation.Stage] {
    let result = try attention(
      query, keys: keys, values: values, scale: scale, mask: mask, causal: causal, hard: hard)
    let raw = try dot(query, keys)
    let queryRows = rows(query)
    let keyRows = rows(keys)
    let valueRows = rows(values)
    let weightRows = rows(result.weights)
    // The entry to write out: the first query's most-attended key.
    let chosenKey = weightRows.first.flatMap { row in row.indices.max { row[$0] < row[$1] } } ?? 0
    let queryName = query.rank == 1 ? names.q : "\(names.q)[0]"
    let entry = query.rank == 1 ? "s[\(chosenKey)]" : "s[0, \(chosenKey)]"
    var stages: [Explanation.Stage] = []

    var scoreItems: [Explanation.Item] = []
    if let first = queryRows.first, chosenKey < keyRows.count {
      scoreItems.append(
        .table(
          productTable(
            caption: "\(entry) = \(queryName) · \(names.k)[\(chosenKey)], "
              + (query.rank == 1 ? "the key it attends to most:" : "the key the first query attends to most:"),
            a: first, b: keyRows[chosenKey], names: (queryName, "\(names.k)[\(chosenKey)]"), precision: precision)))
    }
    scoreItems.append(.tensor("scores", raw))
    stages.append(Explanation.Stage("scores", formula: "sᵢⱼ = qᵢ · kⱼ", scoreItems))

    let scaled = try raw * Tensor(scale)
    stages.append(
      Explanation.Stage(
        "scale", formula: "s · \(number(scale, precision))",
        scale == 1
          ? [.note("scale 1: the scores go on as they are")]
          : [.tensor("scaled", scaled)]))

    if mask != nil || causal {
      var notes: [String] = []
      let keep = try visibilityOf(shape: scaled.shape, mask: mask, causal: causal)
      var blocked: [String] = []
      for (offset, value) in keep.scalars.enumerated() where value == 0 {
        let width = scaled.shape.last ?? 1
        blocked.append(scaled.rank == 1 ? "[\(offset)]" : "[\(offset / width), \(offset % width)]")
      }
      var why: [String] = []
      if causal { why.append("causal: query i may not see a key j > i") }
      if mask != nil { why.append("mask: a 0 blocks its entry") }
      notes.append(why.joined(separator: "; "))
      notes.append(
        blocked.isEmpty
          ? "nothing is blocked"
          : "blocked (set to -inf, so their weight is 0): " + blocked.prefix(24).joined(separator: " ")
            + (blocked.count > 24 ? " … (\(blocked.count) in all)" : ""))
      let masked = try Tensor(
        shape: scaled.shape, scalars: zip(scaled.scalars, keep.scalars).map { $1 == 0 ? -.infinity : $0 })
      stages.append(
        Explanation.Stage(
          "masking", formula: "sᵢⱼ = -inf where blocked", notes.map { .note($0) } + [.tensor("masked", masked)]))
    }

    let scored = result.scores
    var softmaxItems: [Explanation.Item] = []
    if hard {
      softmaxItems.append(.note("hard: a weight of 1 on each row's largest score (the first on ties), 0 elsewhere"))
    } else if let first = rows(scored).first {
      softmaxItems.append(
        .table(
          softmaxTable(
            caption: query.rank == 1 ? "the scores:" : "the first row:", row: first, keys: labels.cols,
            precision: precision)))
    }
    softmaxItems.append(.tensor("weights", result.weights))
    if let picture = heatmap(result.weights, title: "weights", labels: labels) { softmaxItems.append(picture) }
    stages.append(
      Explanation.Stage(
        hard ? "argmax" : "softmax",
        formula: hard ? "wᵢ = onehot(argmaxⱼ sᵢⱼ)" : "wᵢⱼ = exp(sᵢⱼ − maxⱼ sᵢⱼ) / Σⱼ exp(sᵢⱼ − maxⱼ sᵢⱼ)",
        softmaxItems))

    var outputItems: [Explanation.Item] = []
    if let weights = weightRows.first {
      var table: [[String]] = []
      var total = [Double](repeating: 0, count: valueRows.first?.count ?? 0)
      for (j, weight) in weights.enumerated() where j < valueRows.count {
        let value = valueRows[j]
        for index in total.indices { total[index] += weight * value[index] }
        if table.count < 12 {
          table.append([
            label(labels.cols, j), number(weight, precision), vectorText(value, precision),
            vectorText(value.map { $0 * weight }, precision),
          ])
        }
      }
      if weights.count > 12 { table.append(["…", "", "", ""]) }
      table.append(["sum", "", "", vectorText(total, precision)])
      outputItems.append(
        .table(
          Explanation.Table(
            caption: query.rank == 1
              ? "the output, a weighted sum of the values:" : "the first output, a weighted sum of the values:",
            headers: ["j", "w", names.v, "w · \(names.v)"], rows: table)))
    }
    outputItems.append(.tensor("output", result.output))
    stages.append(Explanation.Stage("output", formula: "oᵢ = Σⱼ wᵢⱼ vⱼ", outputItems))
    return stages
  }

  /// 1 where a score is kept, 0 where masking blocks it.
  static func visibilityOf(shape: Shape, mask: Tensor?, causal: Bool) throws -> Tensor {
    var keep =
      try mask?.broadcast(to: shape, operation: "mask").scalars ?? TensorBuffer(repeating: 1, count: shape.reduce(1, *))
    if causal, shape.count == 2 {
      for i in 0..<shape[0] {
        for j in 0..<shape[1] where j > i { keep[i * shape[1] + j] = 0 }
      }
    }
    return try Tensor(shape: shape, scalars: keep)
  }

  /// `[0.1, 0.2]`, at most 4 entries.
  static func vectorText(_ values: some Collection<Double>, _ precision: Int) -> String {
    let shown = values.prefix(4).map { number($0, precision) }
    return "[" + shown.joined(separator: ", ") + (values.count > 4 ? ", …" : "") + "]"
  }

  /// selfattend(X, wq:, wk:, wv:, scale:, mask:, causal:): the projections
  /// first, then attention of Q over K and V.
  static let explainSelfAttend: Explainer = { args, labels in
    let x = try args.tensor("X")
    let precision = args.session.options.display.precision
    var projections: [Explanation.Item] = []
    func project(_ name: String, _ parameter: String) throws -> Tensor {
      guard let weight = try args.optionalTensor(parameter) else {
        projections.append(.note("\(name) = X (no \(parameter): given)"))
        return x
      }
      let product = try matmul(x, weight)
      projections.append(.tensor(name, product))
      return product
    }
    let q = try project("Q", "wq")
    let k = try project("K", "wk")
    let v = try project("V", "wv")
    let width = Double(max(k.shape.last ?? 1, 1))
    let scale = try args.optionalDouble("scale") ?? 1 / width.squareRoot()
    let tokens = Labels(rows: labels.rows ?? labels.cols, cols: labels.cols ?? labels.rows)
    let stages = try attentionStages(
      query: q, keys: k, values: v, scale: scale, mask: try args.optionalTensor("mask"),
      causal: try args.bool("causal"), hard: false, labels: tokens, precision: precision, names: ("q", "k", "v"))
    let first = Explanation.Stage(
      "projections", formula: "Q = X·Wq, K = X·Wk, V = X·Wv (every token gives a query, a key and a value)",
      projections)
    var rest = stages
    if let index = rest.firstIndex(where: { $0.title == "scale" }), args.has("scale") == false {
      rest[index].formula = "s / √d_k = s · \(number(scale, precision))  (d_k = \(Int(width)))"
    }
    return Explanation(call: callText(args), summary: "self-attention, step by step", stages: [first] + rest)
  }

  /// multihead(Xq, Xkv, heads:, …): projections, the split into heads, each
  /// head's attention, concatenation and the output projection.
  static let explainMultihead: Explainer = { args, labels in
    let query = try args.tensor("Xq")
    let keyValue = try args.optionalTensor("Xkv") ?? query
    let heads = try args.int("heads")
    let kvHeads = try args.optionalInt("kvheads") ?? heads
    let dModel = query.shape.last ?? 0
    let weights = try Builtins.multiheadWeights(args, dModel: dModel, heads: heads, kvHeads: kvHeads)
    let mask = try args.optionalTensor("mask")
    let causal = try args.bool("causal")
    let bias = try args.optionalTensor("bias")
    let result = try multiHeadAttention(
      query, keyValue, heads: heads, kvHeads: kvHeads, weights: weights, mask: mask, causal: causal, bias: bias)
    let precision = args.session.options.display.precision
    func project(_ x: Tensor, _ w: Tensor, _ b: Tensor?) throws -> Tensor {
      let product = try matmul(x, w)
      return try b.map { try product + $0 } ?? product
    }
    let q = try project(query, weights.wq, weights.bq)
    let k = try project(keyValue, weights.wk, weights.bk)
    let v = try project(keyValue, weights.wv, weights.bv)
    let size = dModel / max(heads, 1)
    let group = max(heads / max(kvHeads, 1), 1)
    let headBias = try bias.map { try $0.broadcast(to: [heads, query.shape[0], keyValue.shape[0]], operation: "bias") }
    var stages = [
      Explanation.Stage(
        "projections",
        formula: weights.bq == nil && weights.bk == nil && weights.bv == nil
          ? "Q = Xq·Wq, K = Xkv·Wk, V = Xkv·Wv" : "Q = Xq·Wq + bq, K = Xkv·Wk + bk, V = Xkv·Wv + bv",
        [.tensor("Q", q), .tensor("K", k), .tensor("V", v)]
          + (args.has("wq") ? [] : [.note("weights not given: Xavier-uniform from seed: \(try args.seed())")])),
      Explanation.Stage(
        "split", formula: "head h takes columns h·d_k ..< (h+1)·d_k,  d_k = \(dModel) / \(heads) = \(size)",
        [
          .note(
            kvHeads == heads
              ? "each head attends in its own \(size)-wide slice of Q, K and V, with scale 1/√\(size)"
              : "grouped-query: \(kvHeads) key/value heads, each shared by \(group) query heads; scale 1/√\(size)")
        ]),
    ]
    var outputs: [Tensor] = []
    // Every head is computed (their outputs are concatenated); the first few are shown.
    let headsShown = 4
    for head in 0..<heads {
      let columns = head * size..<(head + 1) * size
      let shared = (head / group) * size..<(head / group + 1) * size
      let qh = try columnsOf(q, columns)
      let kh = try columnsOf(k, shared)
      let vh = try columnsOf(v, shared)
      let attended = try attention(
        qh, keys: kh, values: vh, scale: 1 / Double(size).squareRoot(), mask: mask, causal: causal,
        bias: try headBias?.subscripted([.at(head)]))
      outputs.append(attended.output)
      if head == headsShown {
        stages.append(
          Explanation.Stage(
            "heads \(headsShown)–\(heads - 1)", formula: "the same steps, each in its own slice",
            [.note("\(heads - headsShown) more heads, not shown one by one")]))
      }
      if head >= headsShown { continue }
      var items: [Explanation.Item] = [.tensor("scores", attended.scores), .tensor("weights", attended.weights)]
      if let picture = heatmap(attended.weights, title: "head \(head)", labels: labels) { items.append(picture) }
      if let row = rows(attended.scores).first {
        items.insert(
          .table(softmaxTable(caption: "softmax of its first row:", row: row, keys: labels.cols, precision: precision)),
          at: 1)
      }
      items.append(.tensor("output", attended.output))
      stages.append(
        Explanation.Stage(
          "head \(head)", formula: "softmax(Q\(head) K\(head)ᵀ / √\(size)) V\(head)", items))
    }
    let joined = try concat(outputs, axis: 1)
    stages.append(
      Explanation.Stage(
        "concatenate", formula: "[head 0, …, head \(heads - 1)] side by side", [.tensor("heads", joined)]))
    stages.append(
      Explanation.Stage(
        "output projection", formula: weights.bo == nil ? "output = concat · Wo" : "output = concat · Wo + bo",
        [.tensor("output", result.output)]))
    return Explanation(call: callText(args), summary: "multi-head attention, head by head", stages: stages)
  }

  /// Columns `range` of a matrix.
  static func columnsOf(_ matrix: Tensor, _ range: Range<Int>) throws -> Tensor {
    try matrix.subscripted([.all, .slice(start: range.lowerBound, end: range.upperBound, step: 1)])
  }
}

extension Explainers {
  /// flashattend(q, K, V, block:): the online softmax block by block, for the first query.
  static let explainFlashAttend: Explainer = { args, _ in
    let query = try args.tensor("q")
    let keys = try args.tensor("K")
    let values = try args.tensor("V")
    let block = try args.int("block")
    let causal = try args.bool("causal")
    let scale = try args.double("scale")
    let precision = args.session.options.display.precision
    var steps: [FlashStep] = []
    let output = try flashAttention(
      query, keys: keys, values: values, scale: scale, causal: causal, blockSize: block, observe: { steps.append($0) })
    let plain = try attention(query, keys: keys, values: values, scale: scale, causal: causal).output
    var rows: [[String]] = []
    for (index, step) in steps.enumerated().prefix(16) {
      rows.append([
        String(index), "\(step.keys.lowerBound)…\(step.keys.upperBound - 1)", number(step.blockMax, precision),
        number(step.runningMax, precision), number(step.rescale, precision), number(step.runningSum, precision),
      ])
    }
    if steps.count > 16 { rows.append(["…", "", "", "", "", ""]) }
    let difference = zip(output.scalars, plain.scalars).map { abs($0 - $1) }.max() ?? 0
    let n = keys.shape.first ?? 0
    let m = query.rank == 1 ? 1 : query.shape[0]
    return Explanation(
      call: callText(args), summary: "attention by blocks of keys with an online softmax",
      stages: [
        Explanation.Stage(
          "blocks", formula: "keys read \(block) at a time; each query keeps a running max m, sum l and output o",
          [
            .note(
              "m' = max(m, max of the block's scores);  l' = l·e^(m−m') + Σ e^(sⱼ−m');  o' = o·e^(m−m') + Σ e^(sⱼ−m') vⱼ"
            )
          ]),
        Explanation.Stage(
          "the first query, block by block",
          formula: "the rescale e^(m−m') corrects what was summed under an older max",
          [
            .table(
              Explanation.Table(
                caption: "", headers: ["block", "keys", "block max", "m", "rescale", "l"], rows: rows))
          ]),
        Explanation.Stage(
          "output", formula: "o / l",
          [
            .tensor("output", output),
            .note(
              "attend gives the same to \(number(difference, precision)) (the largest difference); the \(m)×\(n) weights were never made: memory O(n·d), not O(n²)"
            ),
          ]),
      ])
  }
}
