import Attention

extension Builtins {
  static let rowsParameter = Parameter.named("rows", .labels, shown: "none", "a label for each row")
  static let colsParameter = Parameter.named("cols", .labels, shown: "none", "a label for each column")
  static let titleParameter = Parameter.named("title", .string, shown: "none", "a line above the picture")

  static let pictureBuiltins: [Builtin] = [
    Builtin(
      name: "heatmap", topic: .pictures,
      parameters: [
        .positional("W", .any, "a matrix [n, m], maps [k, n, m] (one per head), or a list of matrices"),
        rowsParameter, colsParameter, titleParameter,
        .named("titles", .labels, shown: "head 0, head 1, …", "a title for each map of several"),
        .named("values", .flag, default: 0, "write each cell's value in it (two decimals)"),
      ],
      summary: "draws a matrix as shaded cells (several maps side by side)",
      details: """
        Darker to lighter (or viridis colors, dark purple to yellow, on a color terminal)
        from 0 (or the minimum, if negative) to the maximum, shown on the scale line;
        values: true writes each cell's number too. Labels name the rows and
        columns, e.g. target and source words of an alignment. A list of matrices of one
        shape — weights kept at a few steps of training — draws them side by side on one
        scale, so the pattern's formation is one picture.
        """,
      example:
        "heatmap(softmax([[2, 1, 0], [0, 3, 1]]), rows: [\"le\", \"chat\"], cols: [\"the\", \"cat\", \"sat\"])\nheatmap(list(eye(2), ones(2, 2)), titles: [\"before\", \"after\"])"
    ) { args in
      var data: Tensor
      switch try args.value("W") {
      case .list(let items):
        var matrices: [Tensor] = []
        for item in items {
          guard let matrix = item.tensor, matrix.rank == 2 else {
            throw Diagnostic(
              "heatmap: a list to draw must hold matrices, got a \(item.typeName)", at: args.range(of: "W"))
          }
          matrices.append(matrix)
        }
        guard !matrices.isEmpty else { throw Diagnostic("heatmap: the list is empty", at: args.range(of: "W")) }
        data = try stack(matrices)
      case let value:
        guard let tensor = value.tensor else {
          throw Diagnostic(
            "heatmap: W must be a tensor or a list of matrices, got \(value.typeName)", at: args.range(of: "W"))
        }
        data = tensor
      }
      guard (1...3).contains(data.rank) else {
        throw TensorError(
          "heatmap", "expects a matrix [n, m] or maps [k, n, m], got \(Tensor.describe(data.shape))")
      }
      if data.rank == 1 { data = try data.reshaped([1, data.count]) }
      let rows = try args.labels("rows", count: data.shape[data.rank - 2])
      let columns = try args.labels("cols", count: data.shape[data.rank - 1])
      let titles = data.rank == 3 ? try args.labels("titles", count: data.shape[0]) : nil
      return .figure(
        Figure(
          kind: .heatmap, data: data.untracked, rowLabels: rows, columnLabels: columns,
          title: try args.optionalString("title"), panelTitles: titles, showsValues: try args.bool("values")))
    },
    Builtin(
      name: "plot", topic: .pictures,
      parameters: [
        .positional("values", .any, "numbers: a vector, a list of numbers, or rows [series, n]"),
        titleParameter,
      ],
      summary: "draws a line chart of values against their index (a loss curve)",
      details: """
        In braille dots on the terminal, with the largest and smallest value on the y axis
        and the first and last index on the x axis; as SVG in exported pages. A matrix draws
        one line per row.
        """,
      example: "plot(exp(-arange(50) / 10))\nplot(list(3, 1, 2), title: \"loss\")"
    ) { args in
      let data: Tensor
      switch try args.value("values") {
      case .list(let items):
        var numbers: [Double] = []
        for item in items {
          guard let tensor = item.tensor, tensor.count == 1 else {
            throw Diagnostic(
              "plot: a list to plot must hold numbers, got a \(item.typeName)", at: args.range(of: "values"))
          }
          numbers.append(tensor.scalars[0])
        }
        data = Tensor(numbers)
      case let value:
        guard let tensor = value.tensor, (1...2).contains(tensor.rank) else {
          throw Diagnostic(
            "plot: values must be a vector, a list of numbers or rows of series, got a \(value.typeName)",
            at: args.range(of: "values"))
        }
        data = tensor
      }
      return .figure(Figure(kind: .line, data: data.untracked, title: try args.optionalString("title")))
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
