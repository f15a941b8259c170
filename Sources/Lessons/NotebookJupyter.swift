import Attention
import AttnLang
import Foundation

/// A lesson as a Jupyter notebook (nbformat 4) for the attn kernel: prose as
/// Markdown cells, each lesson cell as a code cell with the outputs of a
/// fresh run — text, SVG pictures, HTML explanations, errors. An exercise
/// becomes its task's hints as Markdown and its solution as a code cell whose
/// input is folded away (JupyterLab's `source_hidden`), so the notebook still
/// runs top to bottom.
public enum NotebookJupyter {
  public static func notebook(for notebook: Notebook, results: [CellResult]) -> String {
    var cells: [[String: Any]] = []
    var next = 0
    var count = 0
    func identifier() -> String { "cell-\(cells.count)" }
    for block in notebook.blocks {
      switch block {
      case .prose(let text, _):
        let trimmed = text.trimmingCharacters(in: .newlines)
        if !trimmed.isEmpty {
          cells.append([
            "cell_type": "markdown", "id": identifier(), "metadata": [:] as [String: Any],
            "source": MarkdownHTML.inertMarkdown(trimmed),
          ])
        }
      case .cell(let cell):
        guard next < results.count else { continue }
        let result = results[next]
        next += 1
        count += 1
        var metadata: [String: Any] = [:]
        if let exercise = cell.exercise {
          var text =
            "**Exercise `\(exercise.name)`** — answer it at the attn prompt (`attn lesson`), where it is checked."
          for (number, hint) in exercise.hints.enumerated() {
            text += "\n\n*Hint \(number + 1):* \(MarkdownHTML.inertMarkdown(hint))"
          }
          cells.append(["cell_type": "markdown", "id": identifier(), "metadata": [:] as [String: Any], "source": text])
          metadata = ["tags": ["solution"], "jupyter": ["source_hidden": true, "outputs_hidden": true]]
        }
        cells.append([
          "cell_type": "code", "id": identifier(), "metadata": metadata, "execution_count": count,
          "source": result.entries.map(\.entry.input).joined(separator: "\n"),
          "outputs": result.entries.flatMap { outputs(of: $0, count: count) },
        ])
      }
    }
    let document: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5,
      "metadata": [
        "kernelspec": ["name": "attn", "display_name": "attn", "language": "attn"],
        "language_info": ["name": "attn", "file_extension": ".attn", "mimetype": "text/x-attn"],
      ],
      "cells": cells,
    ]
    let data =
      (try? JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
      ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Jupyter outputs for one input: `print` lines as a stream, each value as
  /// display data (with SVG or HTML where there is a picture), an error as one
  /// — as the kernel sends them.
  static func outputs(of entry: EntryResult, count: Int) -> [[String: Any]] {
    let formatter = ValueFormatter()
    guard !entry.values.isEmpty else {
      guard !entry.actual.isEmpty else { return [] }
      let message = (entry.actual.first ?? "").replacingOccurrences(of: "error: ", with: "")
      return [["output_type": "error", "ename": "attn", "evalue": message, "traceback": entry.actual]]
    }
    return entry.values.enumerated().map { index, value in
      if index < entry.printed.count, entry.printed[index] {
        return ["output_type": "stream", "name": "stdout", "text": formatter.format(value) + "\n"]
      }
      var data: [String: Any] = ["text/plain": formatter.format(value)]
      let rich = rich(value)
      if let svg = rich.svg { data["image/svg+xml"] = svg }
      if let html = rich.html { data["text/html"] = html }
      return ["output_type": "display_data", "data": data, "metadata": [:] as [String: Any]]
    }
  }

  /// The richer forms of a value a notebook shows: SVG for pictures and
  /// attention records' weights, HTML for explanations (stage by stage) and
  /// small matrices (as tables).
  public static func rich(_ value: Value) -> (svg: String?, html: String?) {
    let svg = NotebookHTML.figure(for: value).map(FigureSVG.render)
    switch value {
    case .explanation(let explanation):
      return (svg, ExplanationHTML.render(explanation))
    case .tensor(let tensor) where tensor.rank == 2 && tensor.shape[0] <= 20 && tensor.shape[1] <= 20:
      let formatter = TensorFormatter()
      let width = tensor.shape[1]
      var html = "<table>"
      for row in 0..<tensor.shape[0] {
        html += "<tr>"
        for column in 0..<width {
          let cell = formatter.format(Tensor(tensor.scalars[row * width + column]))
          html += "<td style=\"text-align:right\">\(escapeXML(cell))</td>"
        }
        html += "</tr>"
      }
      return (svg, html + "</table>")
    default:
      return (svg, nil)
    }
  }
}
