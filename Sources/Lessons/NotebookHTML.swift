import AttnLang

/// One self-contained HTML page for a notebook: the prose rendered from
/// Markdown, each cell's inputs and outputs, and every picture (heatmaps,
/// bar charts, attention weights) as inline SVG. No scripts, fonts or
/// styles are fetched: the page opens offline.
public enum NotebookHTML {
  /// Exported pages need no script, no network and no plugin: styles and SVG
  /// are inline. The policy says so, so that nothing a lesson's text smuggles
  /// in can run or fetch.
  static let contentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; object-src 'none'; "
    + "base-uri 'none'; form-action 'none'"

  /// A cell's entry as the page shows it.
  public struct Entry {
    public var input: String
    public var output: [String]
    public var values: [Value]

    public init(input: String, output: [String], values: [Value]) {
      self.input = input
      self.output = output
      self.values = values
    }
  }

  public enum Block {
    case markdown(String)
    case cell([Entry])
    /// An exercise: its hints and its solution folded away until clicked.
    case exercise(name: String, hints: [String], solution: [Entry])
  }

  /// The page for a notebook whose cells have been run.
  public static func page(for notebook: Notebook, results: [CellResult]) -> String {
    var blocks: [Block] = []
    var next = 0
    for block in notebook.blocks {
      switch block {
      case .prose(let text, _): blocks.append(.markdown(text))
      case .cell(let cell):
        guard next < results.count else { continue }
        let entries = results[next].entries.map { Entry(input: $0.entry.input, output: $0.actual, values: $0.values) }
        if let exercise = cell.exercise {
          blocks.append(.exercise(name: exercise.name, hints: exercise.hints, solution: entries))
        } else {
          blocks.append(.cell(entries))
        }
        next += 1
      }
    }
    return page(title: notebook.title, blocks: blocks)
  }

  public static func page(title: String, blocks: [Block]) -> String {
    var body = ""
    for block in blocks {
      switch block {
      case .markdown(let text): body += MarkdownHTML.render(text)
      case .cell(let entries): body += cell(entries)
      case .exercise(let name, let hints, let solution): body += exercise(name, hints: hints, solution: solution)
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(escapeXML(title))</title>
      <style>
      body { font-family: ui-sans-serif, system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.55; color: #1d1d1f; }
      pre, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 0.9rem; }
      pre { margin: 0; padding: 0.5rem 0.8rem; overflow-x: auto; white-space: pre; }
      code { background: #f2f2f5; padding: 0.05rem 0.25rem; border-radius: 3px; }
      .cell { border: 1px solid #d8d8e0; border-radius: 6px; margin: 1rem 0; overflow: hidden; background: #f6f6fa; padding: 0.3rem 0; }
      .input { color: #303060; padding: 0.1rem 0.8rem; }
      .output, .figure { margin: 0.3rem 0; }
      .output { background: #fff; border-top: 1px dashed #e2e2ea; }
      .figure { padding: 0.4rem 0.8rem; border-top: 1px dashed #e2e2ea; overflow-x: auto; background: #fff; }
      pre.code { background: #f6f6fa; border-radius: 6px; }
      .exercise { border: 1px solid #c9d8ef; border-left: 4px solid #4a78c2; border-radius: 6px; margin: 1rem 0; padding: 0.3rem 0.9rem; background: #f5f8fd; }
      .exercise-name { margin: 0.4rem 0; font-weight: 600; }
      .explanation { padding: 0.3rem 0.8rem; border-top: 1px dashed #e2e2ea; background: #fff; }
      .explanation summary { font-weight: 600; }
      .explanation .formula { font-family: ui-serif, Georgia, serif; color: #444; margin-left: 0.6rem; font-weight: normal; }
      .explanation table { border-collapse: collapse; margin: 0.3rem 0 0.6rem 1rem; font-family: ui-monospace, monospace; font-size: 0.85rem; }
      .explanation td, .explanation th { padding: 0.1rem 0.6rem; text-align: right; border-bottom: 1px solid #eee; }
      details { margin: 0.3rem 0; }
      summary { cursor: pointer; color: #30508f; }
      </style>
      </head>
      <body>
      \(body)</body>
      </html>

      """
  }

  /// An exercise box: its name, each hint and the solution in a `<details>`
  /// element (folded without any script).
  static func exercise(_ name: String, hints: [String], solution: [Entry]) -> String {
    var html = "<div class=\"exercise\">\n<p class=\"exercise-name\">Exercise <code>\(escapeXML(name))</code>"
    html += " — answer it at the prompt, where attn checks it: <code>attn lesson</code></p>\n"
    for (number, hint) in hints.enumerated() {
      html += "<details><summary>Hint \(number + 1)</summary><p>\(MarkdownHTML.inline(hint))</p></details>\n"
    }
    html += "<details><summary>Solution</summary>\n" + cell(solution) + "</details>\n"
    return html + "</div>\n"
  }

  static func cell(_ entries: [Entry]) -> String {
    var html = "<div class=\"cell\">\n"
    for entry in entries {
      let lines = entry.input.split(separator: "\n", omittingEmptySubsequences: false)
      let input = lines.enumerated().map {
        ($0.offset == 0 ? "attn&gt; " : "...&gt; ") + escapeXML(String($0.element))
      }
      html += "<pre class=\"input\">" + input.joined(separator: "\n") + "</pre>\n"
      // A picture alone is drawn, not also shown as text.
      let onlyPictures =
        !entry.values.isEmpty
        && entry.values.allSatisfy {
          switch $0 {
          case .figure, .explanation: true
          default: false
          }
        }
      if !entry.output.isEmpty && !onlyPictures {
        html += "<pre class=\"output\">" + escapeXML(entry.output.joined(separator: "\n")) + "</pre>\n"
      }
      for case .explanation(let explanation) in entry.values {
        html += ExplanationHTML.render(explanation)
      }
      for figure in entry.values.compactMap(figure(for:)) {
        html += "<div class=\"figure\">\n" + FigureSVG.render(figure) + "</div>\n"
      }
    }
    return html + "</div>\n"
  }

  /// The picture a value gets on the page: figures themselves, and the
  /// weights of attention results.
  public static func figure(for value: Value) -> Figure? {
    switch value {
    case .figure(let figure): return figure
    case .record(let record):
      guard case .tensor(let weights)? = record["weights"], (1...3).contains(weights.rank) else { return nil }
      return Figure(kind: weights.rank == 1 ? .bars : .heatmap, data: weights, title: "weights")
    default: return nil
    }
  }
}
