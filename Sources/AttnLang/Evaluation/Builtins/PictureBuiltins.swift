import Attention

extension Builtins {
  static let rowsParameter = Parameter.named("rows", .labels, shown: "none", "a label for each row")
  static let colsParameter = Parameter.named("cols", .labels, shown: "none", "a label for each column")
  static let titleParameter = Parameter.named("title", .string, shown: "none", "a line above the picture")

  static let pictureBuiltins: [Builtin] = [
    Builtin(
      name: "heatmap", topic: .pictures,
      parameters: [
        .positional("W", .tensor, "a matrix [n, m], or one per head [heads, n, m]"),
        rowsParameter, colsParameter, titleParameter,
      ],
      summary: "draws a matrix as shaded cells (a [heads, n, m] tensor: one map per head)",
      details: """
        Darker to lighter (or colors, on a color terminal) from 0 (or the minimum, if
        negative) to the maximum, shown on the scale line. Labels name the rows and
        columns, e.g. target and source words of an alignment.
        """,
      example: "heatmap(softmax([[2, 1, 0], [0, 3, 1]]), rows: [\"le\", \"chat\"], cols: [\"the\", \"cat\", \"sat\"])"
    ) { args in
      let data = try args.tensor("W")
      guard (1...3).contains(data.rank) else {
        throw TensorError(
          "heatmap", "expects a matrix [n, m] or maps [heads, n, m], got \(Tensor.describe(data.shape))")
      }
      let matrix = data.rank == 1 ? try data.reshaped([1, data.count]) : data
      let rows = try args.labels("rows", count: matrix.shape[matrix.rank - 2])
      let columns = try args.labels("cols", count: matrix.shape[matrix.rank - 1])
      return .figure(
        Figure(
          kind: .heatmap, data: matrix, rowLabels: rows, columnLabels: columns, title: try args.optionalString("title"))
      )
    },
    Builtin(
      name: "bars", topic: .pictures,
      parameters: [
        .positional("p", .tensor, "a vector"), .named("labels", .labels, shown: "none", "one label per bar"),
        titleParameter,
      ],
      summary: "draws a vector as horizontal bars with their values",
      details: "For distributions: softmax outputs, temperatures, histograms of samples.",
      example: "bars(softmax([2, 1, 0.1]), labels: [\"cat\", \"dog\", \"car\"])"
    ) { args in
      let data = try args.tensor("p")
      guard data.rank <= 1 else {
        throw TensorError("bars", "expects a vector, got \(Tensor.describe(data.shape))")
      }
      let vector = try data.reshaped([data.count])
      return .figure(
        Figure(
          kind: .bars, data: vector, rowLabels: try args.labels("labels", count: vector.count),
          title: try args.optionalString("title")))
    },
  ]
}
