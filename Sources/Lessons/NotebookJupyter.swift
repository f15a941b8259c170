import Attention
import AttnLang
import Foundation

/// A lesson as a Jupyter notebook (nbformat 4) for the attn kernel: prose as
/// Markdown cells, each lesson cell as a code cell with the outputs of a
/// fresh run — text, SVG pictures, HTML explanations, errors — as the kernel
/// gives them.
///
/// Exercises are the student's to answer, as at the prompt: the notebook
/// starts with `:lesson NAME` (so the kernel knows whose exercises these
/// are), each exercise is an empty code cell with its task as a comment and
/// a check cell after it (`check("NAME")`, answered ✓ or ✗ by the lesson's
/// hidden checks in the kernel). Solutions, hints and checks stay out of the
/// notebook: `:hint NAME` and `:solution NAME` ask the kernel.
public enum NotebookJupyter {
  /// Runs `notebook` in `runner`'s session as the exported notebook runs in
  /// the kernel (exercise cells empty) and returns the notebook.
  /// - Parameters:
  ///   - lessonName: what the first cell's `:lesson` names (the lesson's file
  ///     name, which the kernel finds among the lessons installed with attn).
  ///   - referenceOptions: the options the exercises' reference sessions run under.
  public static func export(
    _ notebook: Notebook, lessonName: String, runner: NotebookRunner, referenceOptions: SessionOptions
  ) -> String {
    var cells: [[String: Any]] = []
    var count = 0
    func identifier() -> String { "cell-\(cells.count)" }
    func markdown(_ text: String) {
      cells.append(["cell_type": "markdown", "id": identifier(), "metadata": [:] as [String: Any], "source": text])
    }
    func code(_ source: String, outputs: [[String: Any]], tags: [String] = [], run: Bool = true) {
      if run { count += 1 }
      let metadata: [String: Any] = tags.isEmpty ? [:] : ["tags": tags]
      cells.append([
        "cell_type": "code", "id": identifier(), "metadata": metadata,
        "execution_count": run ? count : NSNull(), "source": source, "outputs": outputs,
      ])
    }
    let exercises = NotebookExercises(notebook: notebook, referenceOptions: referenceOptions)
    let setup = ":lesson " + lessonName
    code(setup, outputs: [stream(NotebookExercises.introduction(to: notebook))], tags: ["lesson"])
    var lastProse = ""
    for block in notebook.blocks {
      switch block {
      case .prose(let text, _):
        let trimmed = text.trimmingCharacters(in: .newlines)
        if !trimmed.isEmpty {
          markdown(MarkdownHTML.inertMarkdown(trimmed))
          lastProse = trimmed
        }
      case .cell(let cell):
        if let exercise = cell.exercise {
          markdown(
            "**Exercise `\(exercise.name)`** — write your answer in the next cell and run it, then run the "
              + "check after it. `:hint \(exercise.name)` gives a hint, `:solution \(exercise.name)` the answer.")
          code(answerStub(for: exercise, task: lastTask(in: lastProse)), outputs: [], tags: ["answer"], run: false)
          let checked = exercises.check(exercise, student: runner.session)
          code("check(\"\(exercise.name)\")", outputs: [stream(checked.text)], tags: ["check"])
          continue
        }
        let result = runner.run(cell, in: notebook)
        code(
          result.entries.map(\.entry.input).joined(separator: "\n"),
          outputs: result.entries.flatMap { outputs(of: $0, count: count + 1) })
      }
    }
    let document: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5,
      "metadata": [
        "kernelspec": ["name": "attn", "display_name": "attn", "language": "attn"],
        "language_info": languageInfo,
        "attn": ["lesson": lessonName],
      ],
      "cells": cells,
    ]
    let data =
      (try? JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
      ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// What the kernel says about its language (`language_info`): nbconvert
  /// and JupyterLab highlight attn with the Pygments lexer `attn` that the
  /// attn-kernel package registers.
  public static var languageInfo: [String: Any] {
    [
      "name": "attn", "file_extension": ".attn", "mimetype": "text/x-attn", "pygments_lexer": "attn",
      "codemirror_mode": "python",
    ]
  }

  /// A stream output.
  static func stream(_ text: String) -> [String: Any] {
    ["output_type": "stream", "name": "stdout", "text": text + "\n"]
  }

  /// The last paragraph of the prose before an exercise: its task.
  static func lastTask(in prose: String) -> String {
    let paragraphs = prose.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    return paragraphs.last { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
  }

  /// The cell a student answers in: the task as comments, nothing to run.
  static func answerStub(for exercise: Exercise, task: String) -> String {
    var lines = ["# Exercise \(exercise.name): write your answer here."]
    var line = "#"
    for word in task.replacingOccurrences(of: "**", with: "").split(whereSeparator: \.isWhitespace) {
      if line.count + word.count + 1 > 88, line != "#" {
        lines.append(line)
        line = "#"
      }
      line += " " + word
    }
    if line != "#" { lines.append(line) }
    return lines.joined(separator: "\n")
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
