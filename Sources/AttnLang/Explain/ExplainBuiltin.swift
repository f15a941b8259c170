import Attention

extension Builtins {
  static let explainBuiltins: [Builtin] = [
    Builtin(
      name: "explain", topic: .session,
      parameters: [
        .positional(
          "call", .any,
          "a call of attend, selfattend, multihead, flashattend, softmax, dot, layernorm, posenc, crossentropy or grad"),
        .named("rows", .any, shown: "none", "labels of the main matrix's rows (the queries)"),
        .named("cols", .any, shown: "none", "labels of its columns (the keys)"),
      ],
      summary: "shows how a result comes about, stage by stage, with the numbers of each stage",
      details: """
        explain(attend(q, K, V, scale: 0.5, causal: true)) prints the scores (one entry
        written out as its products), the scaling, what masking blocked and why, the
        softmax of one row (max, exp, sum, divide) and one output as a weighted sum of
        the values. selfattend starts with the projections, multihead goes head by head,
        and explain(grad(f, x)) lists the forward pass and then the backward pass node by
        node. Small tensors are shown whole, large ones by shape, range and a corner.
        :explain EXPR at the prompt is the same. The call inside is not run as a whole:
        explain runs its steps.
        """,
      example: "explain(softmax([1, 2, 3], temperature: 2))\nexplain(grad(x -> sum(x * x), [1, 2]))"
    ) { args in
      // A call reaches here only through a function value (f = explain; f(…)):
      // written directly, explain is compiled as ExplainCall.
      throw Diagnostic(
        "explain needs the call to show written inside it, such as explain(attend(q, K, V))", at: args.range)
    }
  ]
}
