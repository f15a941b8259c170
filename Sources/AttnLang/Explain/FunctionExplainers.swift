import Attention
import Foundation

extension Explainers {
  /// softmax(x, axis:, temperature:): subtract the max, divide by T, exp, sum, divide.
  static let explainSoftmax: Explainer = { args, labels in
    let x = try args.tensor("x")
    let axis = try args.int("axis")
    let temperature = try args.double("temperature")
    let precision = args.session.options.display.precision
    let result = try softmax(x, axis: axis, temperature: temperature)
    let lastAxis = axis == -1 || axis == x.rank - 1
    var stages: [Explanation.Stage] = []
    if lastAxis, let first = rows(x).first {
      let which = x.rank <= 1 ? "the scores" : "the first row"
      stages.append(
        Explanation.Stage(
          "one lane, step by step",
          formula: temperature == 1
            ? "wⱼ = exp(sⱼ − max s) / Σₖ exp(sₖ − max s)"
            : "wⱼ = exp((sⱼ − max s)/T) / Σₖ exp((sₖ − max s)/T),  T = \(number(temperature, precision))",
          [
            .table(
              softmaxTable(
                caption: "\(which):", row: first, temperature: temperature, keys: labels.cols, precision: precision)),
            .note(
              "subtracting the max changes no weight (it cancels in the division) and keeps exp from overflowing"
                + (first.contains(-.infinity) ? "; a score of -inf gets weight exactly 0" : "")),
          ]))
    } else {
      stages.append(
        Explanation.Stage(
          "lanes", formula: "each lane along axis \(axis) is normalized on its own",
          [.note("the same steps as for a vector: subtract the lane's max, divide by T, exp, divide by the sum")]))
    }
    var items: [Explanation.Item] = [.tensor("weights", result)]
    if let picture = heatmap(result, title: "softmax", labels: labels) { items.append(picture) }
    items.append(.note("every lane sums to 1; a higher temperature flattens it, a lower one sharpens it"))
    stages.append(Explanation.Stage("result", formula: "", items))
    return Explanation(call: callText(args), summary: "softmax, step by step", stages: stages)
  }

  /// dot(a, b): one entry as a sum of products, then all of them.
  static let explainDot: Explainer = { args, labels in
    let a = try args.tensor("a")
    let b = try args.tensor("b")
    let result = try dot(a, b)
    let precision = args.session.options.display.precision
    let first = rows(a).first ?? []
    let second = rows(b).first ?? []
    let entry =
      a.rank <= 1 && b.rank <= 1
      ? "a · b" : a.rank <= 1 ? "r[0] = a · b[0]" : b.rank <= 1 ? "r[0] = a[0] · b" : "r[0, 0] = a[0] · b[0]"
    var items: [Explanation.Item] = [
      .table(productTable(caption: "\(entry):", a: first, b: second, names: ("a", "b"), precision: precision)),
      .tensor("result", result),
    ]
    if let picture = heatmap(result, title: "dot", labels: labels) { items.append(picture) }
    return Explanation(
      call: callText(args), summary: "inner products along the last axis",
      stages: [Explanation.Stage("inner products", formula: "rᵢⱼ = Σ_d aᵢ[d] · bⱼ[d]", items)])
  }

  /// layernorm(x, eps:, weight:, bias:): mean, variance, normalize, scale and shift.
  static let explainLayerNorm: Explainer = { args, _ in
    let x = try args.tensor("x")
    let eps = try args.double("eps")
    let weight = try args.optionalTensor("weight")
    let bias = try args.optionalTensor("bias")
    let result = try layerNorm(x, weight: weight, bias: bias, eps: eps)
    let precision = args.session.options.display.precision
    let first = rows(x).first ?? []
    let mean = first.reduce(0, +) / Double(max(first.count, 1))
    let variance = first.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(first.count, 1))
    let scale = 1 / (variance + eps).squareRoot()
    var table: [[String]] = []
    for (index, value) in first.enumerated().prefix(12) {
      table.append([
        String(index), number(value, precision), number(value - mean, precision),
        number((value - mean) * scale, precision),
      ])
    }
    let which = x.rank <= 1 ? "the vector" : "the first row"
    var stages = [
      Explanation.Stage(
        "mean and variance", formula: "μ = mean(x),  σ² = mean((x − μ)²)  (over the last axis)",
        [.note("\(which): μ = \(number(mean, precision)), σ² = \(number(variance, precision))")]),
      Explanation.Stage(
        "normalize", formula: "x̂ = (x − μ) / √(σ² + ε),  ε = \(number(eps, precision))",
        [.table(Explanation.Table(caption: "\(which):", headers: ["d", "x", "x − μ", "x̂"], rows: table))]),
    ]
    if weight != nil || bias != nil {
      stages.append(
        Explanation.Stage(
          "scale and shift", formula: "y = x̂ · weight + bias", [.note("weight and bias are per column")]))
    }
    stages.append(
      Explanation.Stage(
        "result", formula: "",
        [.tensor("y", result), .note("each row now has mean 0 and variance about 1 (before weight and bias)")]))
    return Explanation(call: callText(args), summary: "layer normalization, step by step", stages: stages)
  }

  /// posenc(n, d): the formula worked out for an even and an odd entry, then the whole table.
  static let explainPositionalEncoding: Explainer = { args, labels in
    let n = try args.int("n")
    let d = try args.int("d")
    let table = try positionalEncoding(n, d)
    let precision = args.session.options.display.precision
    let position = min(1, max(n - 1, 0))
    var rowsOfTable: [[String]] = []
    for column in 0..<min(d, 4) {
      let pair = column / 2
      let frequency = 1 / pow(10000, Double(2 * pair) / Double(d))
      let angle = Double(position) * frequency
      let value = column % 2 == 0 ? sin(angle) : cos(angle)
      rowsOfTable.append([
        "PE[\(position), \(column)]", column % 2 == 0 ? "sin" : "cos",
        "\(position) / 10000^(\(2 * pair)/\(d)) = \(number(angle, precision))", number(value, precision),
      ])
    }
    var items: [Explanation.Item] = [.tensor("PE", table)]
    if let picture = heatmap(table, title: "positional encoding", labels: labels) { items.append(picture) }
    return Explanation(
      call: callText(args), summary: "sinusoidal positional encoding",
      stages: [
        Explanation.Stage(
          "one position's entries", formula: "PE[p, 2i] = sin(p / 10000^(2i/d)),  PE[p, 2i+1] = cos(p / 10000^(2i/d))",
          [
            .table(
              Explanation.Table(
                caption: "position \(position):", headers: ["entry", "f", "angle", "value"], rows: rowsOfTable)),
            .note("each pair of columns turns at its own frequency: fast in the first columns, slow in the last"),
          ]),
        Explanation.Stage("all positions", formula: "one row per position", items),
      ])
  }

  /// crossentropy(logits, targets): log-softmax of each row, the target's
  /// log-probability, the mean of their negatives.
  static let explainCrossEntropy: Explainer = { args, labels in
    let logits = try args.tensor("logits")
    let targets = try args.tensor("targets")
    let loss = try crossEntropy(logits, targets)
    let precision = args.session.options.display.precision
    let logProbabilities = try logSoftmax(logits.rank == 1 ? logits.reshaped([1, logits.count]) : logits, axis: -1)
    let lanes = rows(logProbabilities)
    var table: [[String]] = []
    var total = 0.0
    let wanted = targets.scalars
    for (row, lane) in lanes.enumerated() {
      let target = Int(wanted[min(row, targets.count - 1)])
      let value = target >= 0 && target < lane.count ? lane[target] : .nan
      total -= value
      if row < 12 {
        table.append([String(row), label(labels.cols, target), number(value, precision), number(-value, precision)])
      }
    }
    if lanes.count > 12 { table.append(["…", "", "", ""]) }
    table.append(["mean", "", "", number(total / Double(max(lanes.count, 1)), precision)])
    var first: [Explanation.Item] = [.tensor("log p", logProbabilities)]
    if let row = rows(logits).first {
      let top = row.max() ?? 0
      let logSum = top + log(row.map { exp($0 - top) }.reduce(0, +))
      first.insert(
        .note(
          "the first row: log Σ exp = \(number(logSum, precision)), so log p = logit − \(number(logSum, precision))"),
        at: 0)
    }
    return Explanation(
      call: callText(args), summary: "cross-entropy, step by step",
      stages: [
        Explanation.Stage("log-softmax", formula: "log pᵢⱼ = zᵢⱼ − log Σₖ exp zᵢₖ  (the max subtracted first)", first),
        Explanation.Stage(
          "the right class", formula: "−log pᵢ[targetᵢ]",
          [.table(Explanation.Table(caption: "", headers: ["row", "target", "log p", "−log p"], rows: table))]),
        Explanation.Stage("loss", formula: "mean over the rows", [.tensor("loss", loss)]),
      ])
  }
}
