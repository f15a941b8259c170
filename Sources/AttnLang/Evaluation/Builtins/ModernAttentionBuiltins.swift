import Attention

extension Builtins {
  /// What today's models do differently: rotary positions, ALiBi, windows,
  /// and attention computed block by block.
  static let modernAttentionBuiltins: [Builtin] = [
    Builtin(
      name: "rope", topic: .layers,
      parameters: [
        .positional("x", .tensor, "rows to rotate, one per position: [n, d] or [heads, n, d], d even"),
        .named("base", .number, default: 10000, "the base of the frequencies θᵢ = base^(-2i/d)"),
        .named("offset", .integer, default: 0, "the position of the first row (decoding with a cache)"),
      ],
      summary: "rotary position embeddings: rotates each row by angles that grow with its position",
      details: """
        For position p and i < d/2 (the rotate-half layout of GPT-NeoX and LLaMA: entry i
        pairs with entry i + d/2):
          y[i] = x[i]·cos(pθᵢ) − x[i+d/2]·sin(pθᵢ),  y[i+d/2] = x[i+d/2]·cos(pθᵢ) + x[i]·sin(pθᵢ)
        Rotate queries and keys (not values): then q·k depends on the positions only through
        their distance. (Su et al., RoFormer, 2021.)
        """,
      example: "q = rope([[1, 0, 0, 0], [1, 0, 0, 0]])\nq\ndot(q[0], q[1])"
    ) { args in
      .tensor(try rotaryEmbedding(try args.tensor("x"), base: try args.double("base"), offset: try args.int("offset")))
    },
    Builtin(
      name: "alibi", topic: .layers,
      parameters: [
        .positional("n", .integer, "positions"),
        .positional("heads", .integer, "heads (each gets its own slope)"),
      ],
      summary: "ALiBi's score biases [heads, n, n]: head h subtracts mₕ·|i − j| (attention fades with distance)",
      details: """
        Slopes mₕ = 2^(−8(h+1)/heads) for a power of two (the paper's rule otherwise). Pass it
        as multihead(…, bias: alibi(n, heads), causal: true), or one head's as attend(…, bias:).
        No positional encoding is added to the tokens. (Press, Smith & Lewis, 2022.)
        """,
      example: "alibi(4, 2)[0]"
    ) { args in
      .tensor(try alibiBias(try args.int("n"), heads: try args.int("heads")))
    },
    Builtin(
      name: "window", topic: .layers,
      parameters: [
        .positional("n", .integer, "positions"),
        .positional("w", .integer, "how many positions each query sees, itself included"),
      ],
      summary: "a sliding-window causal mask: query i sees keys i − w + 1 … i",
      details: "1 = may attend, 0 = blocked; pass it as mask:. window(n, n) is causal(n). (Longformer, Mistral.)",
      example: "window(4, 2)"
    ) { args in
      .tensor(try slidingWindowMask(try args.int("n"), window: try args.int("w")))
    },
    Builtin(
      name: "flashattend", topic: .attention,
      parameters: [
        .positional("q", .tensor, "the query [d], or queries [m, d]"),
        .positional("K", .tensor, "the keys [n, d]"),
        .positional("V", .tensor, "the values [n, dv]"),
        .named("scale", .number, default: 1, "multiplies every score"),
        .named("causal", .flag, default: 0, "block key j for query i when j > i"),
        .named("block", .integer, default: 64, "how many keys each step reads"),
      ],
      summary: "attention's output computed block by block with an online softmax (FlashAttention's idea)",
      details: """
        Each query keeps a running max m, sum l and output o over the blocks of keys:
          m' = max(m, max sⱼ);  l' = l·e^(m−m') + Σ e^(sⱼ−m');  o' = o·e^(m−m') + Σ e^(sⱼ−m') vⱼ
        and gives o/l — attend's output to rounding, without making the [m, n] weights
        (memory O(n·d), not O(n²)). explain(flashattend(…)) shows the blocks. Gradients are
        those of attend.
        """,
      example: "K = [[1, 0], [0, 1], [1, 1], [0, 2]]\nflashattend([1, 0], K, K, block: 2)\nattend([1, 0], K, K).output"
    ) { args in
      .tensor(
        try flashAttention(
          try args.tensor("q"), keys: try args.tensor("K"), values: try args.tensor("V"),
          scale: try args.double("scale"), causal: try args.bool("causal"), blockSize: try args.int("block")))
    },
  ]
}
