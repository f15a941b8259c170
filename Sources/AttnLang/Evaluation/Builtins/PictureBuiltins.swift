import Attention

extension Builtins {
  static let pictureBuiltins: [Builtin] = [
    Builtin(
      name: "heatmap", topic: .pictures, signature: "heatmap(W, rows: [labels], cols: [labels], title: \"\")",
      summary: "draws a matrix as shaded cells (a [heads, n, m] tensor: one map per head)",
      details: """
        Darker to lighter (or colors, on a color terminal) from 0 (or the minimum, if
        negative) to the maximum, shown on the scale line. Labels name the rows and
        columns, e.g. target and source words of an alignment.
        """,
      example: "heatmap(softmax([[2, 1, 0], [0, 3, 1]]), rows: [\"le\", \"chat\"], cols: [\"the\", \"cat\", \"sat\"])",
      arity: 1...1, labels: ["rows", "cols", "title"]
    ) { args in
      let data = try args.tensor(0)
      guard (1...3).contains(data.rank) else {
        throw TensorError(
          "heatmap", "expects a matrix [n, m] or maps [heads, n, m], got \(describe(shape: data.shape))")
      }
      let matrix = data.rank == 1 ? try data.reshaped([1, data.count]) : data
      let rows = try args.labels("rows", count: matrix.shape[matrix.rank - 2])
      let columns = try args.labels("cols", count: matrix.shape[matrix.rank - 1])
      return .figure(
        Figure(kind: .heatmap, data: matrix, rowLabels: rows, columnLabels: columns, title: try args.text("title")))
    },
    Builtin(
      name: "bars", topic: .pictures, signature: "bars(p, labels: [labels], title: \"\")",
      summary: "draws a vector as horizontal bars with their values",
      details: "For distributions: softmax outputs, temperatures, histograms of samples.",
      example: "bars(softmax([2, 1, 0.1]), labels: [\"cat\", \"dog\", \"car\"])",
      arity: 1...1, labels: ["labels", "title"]
    ) { args in
      let data = try args.tensor(0)
      guard data.rank <= 1 else {
        throw TensorError("bars", "expects a vector, got \(describe(shape: data.shape))")
      }
      let vector = try data.reshaped([data.count])
      return .figure(
        Figure(
          kind: .bars, data: vector, rowLabels: try args.labels("labels", count: vector.count),
          title: try args.text("title")))
    },
  ]
}

extension Arguments {
  /// A list of `count` strings given as `label: ["a", "b"]`.
  func labels(_ label: String, count: Int) throws(Diagnostic) -> [String]? {
    guard let argument = named[label] else { return nil }
    guard case .list(let items) = argument.value else {
      throw Diagnostic("\(name): \(label): must be a list of strings like [\"a\", \"b\"]", at: argument.range)
    }
    var strings: [String] = []
    for item in items {
      guard case .string(let text) = item else {
        throw Diagnostic("\(name): \(label): must be a list of strings", at: argument.range)
      }
      strings.append(text)
    }
    guard strings.count == count else {
      throw Diagnostic("\(name): \(label): has \(strings.count) labels for \(count) positions", at: argument.range)
    }
    return strings
  }

  /// A string given as `label: "text"`.
  func text(_ label: String) throws(Diagnostic) -> String? {
    guard let argument = named[label] else { return nil }
    guard case .string(let text) = argument.value else {
      throw Diagnostic("\(name): \(label): must be a string in quotes", at: argument.range)
    }
    return text
  }
}
