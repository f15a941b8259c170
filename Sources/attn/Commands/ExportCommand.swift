import ArgumentParser
import AttnLang
import Foundation
import Lessons

/// `attn export LESSON.md --html OUT.html` (or `--ipynb OUT.ipynb`): a lesson
/// as one self-contained web page, or as a Jupyter notebook for the attn kernel.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Run a lesson and write it as an HTML page or a Jupyter notebook.",
    discussion: """
      The page has the prose, each cell's inputs and fresh outputs, and every heatmap,
      bar chart and attention result's weights as inline SVG (with a tooltip per cell).
      It loads nothing from the network, so it opens offline, and runs no script.
      --ipynb writes a Jupyter notebook instead (or as well) that opens with the attn
      kernel (attn jupyter install): prose as Markdown cells, each lesson cell as a code
      cell with its outputs.
      The lesson's cells read and write files only in its own directory (a private one
      when that is /tmp, ~/Downloads or another shared one) and tempdir()
      (--allow-files DIR opens another).
      """
  )

  @Argument(help: "The lesson (.md) to export.")
  var lesson: String

  @Option(name: .long, help: "The HTML file to write.")
  var html: String?

  @Option(name: .long, help: "The Jupyter notebook (.ipynb) to write.")
  var ipynb: String?

  func validate() throws {
    guard html != nil || ipynb != nil else { throw ValidationError("say what to write: --html FILE or --ipynb FILE") }
  }

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var lessonTimeout: LessonTimeoutOptions
  @OptionGroup var confinement: FileConfinementOptions

  func run() throws {
    Interrupts.endOnInterrupt()
    let notebook = try loadLessonOrExit(lesson)
    var options = evaluation.sessionOptions
    options.display = DisplayOptions(precision: evaluation.precision)
    options.files = confinement.confined(for: lesson)
    let results = NotebookRunner(session: evaluation.session(options), timeLimit: lessonTimeout.timeout).run(notebook)
    if let html {
      let page = NotebookHTML.page(for: notebook, results: results)
      try write(page, to: html)
      let figures = page.components(separatedBy: "<svg ").count - 1
      print("wrote \(html) (\(results.count) cells, \(figures) figures)")
    }
    if let ipynb {
      try write(NotebookJupyter.notebook(for: notebook, results: results), to: ipynb)
      print("wrote \(ipynb) (\(results.count) code cells; open it with the attn kernel: attn jupyter install)")
    }
  }

  func write(_ text: String, to path: String) throws {
    do {
      try atomicWrite(text, to: path)
    } catch {
      printError("attn: error: \(error)")
      throw ExitCode(1)
    }
  }
}
