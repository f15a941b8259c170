import Attention

extension Explainers {
  /// At most this many nodes are listed in each pass; a larger computation is summarized.
  static let nodesShown = 40

  /// grad(f, x, …): the forward pass node by node with its values, then the
  /// backward pass from the output to the inputs with the gradient reaching
  /// each node — micrograd's picture.
  static let explainGrad: Explainer = { args, _ in
    let (value, gradient, trace) = try Builtins.differentiate(args, traced: true)
    let precision = args.session.options.display.precision
    let nodes = trace?.nodes ?? []
    func show(_ tensor: Tensor) -> String {
      tensor.count == 1
        ? number(tensor.scalars[0], precision)
        : vectorText(tensor.scalars, precision) + " " + Tensor.describe(tensor.shape)
    }
    func from(_ node: GradientTrace.Node) -> String {
      node.inputs.isEmpty ? "" : node.inputs.map { "n\($0)" }.joined(separator: ", ")
    }
    var forward: [[String]] = []
    for node in nodes.prefix(nodesShown) {
      forward.append(["n\(node.index)", node.operation, from(node), show(node.value)])
    }
    var backward: [[String]] = []
    for node in nodes.reversed().prefix(nodesShown) {
      backward.append([
        "n\(node.index)", node.operation, node.gradient.map(show) ?? "(nothing flows back)", localRule(node.operation),
      ])
    }
    var forwardItems: [Explanation.Item] = [
      .table(Explanation.Table(caption: "", headers: ["node", "operation", "from", "value"], rows: forward))
    ]
    if nodes.count > nodesShown {
      forwardItems.append(
        .note("… \(nodes.count - nodesShown) more nodes; explain a smaller computation to see them all"))
    }
    let inputs = nodes.filter { $0.operation == "input" }.count
    return Explanation(
      call: callText(args), summary: "a gradient by reverse-mode differentiation",
      stages: [
        Explanation.Stage(
          "forward pass",
          formula:
            "f runs once; every operation is recorded as a node (\(inputs) input\(inputs == 1 ? "" : "s"), \(nodes.count - inputs) operations)",
          forwardItems + [.note("f = \(ValueFormatter(options: args.session.options.display.plain).format(value))")]),
        Explanation.Stage(
          "backward pass",
          formula:
            "from the output (gradient 1) back to the inputs: each node passes ∂f/∂(node) on to the nodes it came from",
          [
            .table(
              Explanation.Table(caption: "", headers: ["node", "operation", "∂f/∂node", "passes back"], rows: backward))
          ]),
        Explanation.Stage(
          "gradient", formula: "∂f/∂x: what reached the inputs",
          [.note(ValueFormatter(options: args.session.options.display.plain).format(gradient))]),
      ])
  }

  /// How an operation turns its result's gradient g into its inputs'.
  static func localRule(_ operation: String) -> String {
    switch operation {
    case "input": return "(an input: its gradient is the answer)"
    case "+": return "g to both"
    case "-": return "g, and −g to the right"
    case "*": return "g·b to a, g·a to b"
    case "/": return "g/b to a, −g·a/b² to b"
    case "^": return "g·b·a^(b−1) to a"
    case "exp": return "g·exp(x)"
    case "log": return "g/x"
    case "sqrt": return "g/(2√x)"
    case "abs": return "g·sign(x)"
    case "tanh": return "g·(1 − tanh²x)"
    case "sigmoid": return "g·σ(1 − σ)"
    case "relu": return "g where x > 0"
    case "sin": return "g·cos x"
    case "cos": return "−g·sin x"
    case "sum": return "g to every element"
    case "mean": return "g/n to every element"
    case "max", "min": return "g to the chosen element"
    case "softmax": return "w ⊙ (g − Σ g⊙w)"
    case "logsoftmax": return "g − softmax·Σg"
    case "@": return "G·Bᵀ to A, Aᵀ·G to B"
    case "dot": return "the other operand, weighted by g"
    case "negate": return "−g"
    case "reshape", "transpose": return "g, shaped back"
    case "concat": return "each input its own slice of g"
    case "[]": return "g to the picked elements, 0 elsewhere"
    case "[]=": return "g outside the assigned part, and that part of g to the value"
    case "mask": return "g where visible, 0 where blocked"
    case "attention": return "FlashAttention-2's: each tile's weights recomputed"
    default: return "its own rule"
    }
  }
}
