import ArgumentParser
import AttnLang
import Foundation
import Lessons

/// `attn export LESSON.md --html OUT.html`: a lesson as one self-contained web page.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Run a lesson and write it as one self-contained HTML page.",
    discussion: """
      The page has the prose, each cell's inputs and fresh outputs, and every heatmap,
      bar chart and attention result's weights as inline SVG (with a tooltip per cell).
      It loads nothing from the network, so it opens offline, and runs no script.
      The lesson's cells read and write files only in its own directory and tempdir()
      (--allow-files DIR opens another).
      """
  )

  @Argument(help: "The lesson (.md) to export.")
  var lesson: String

  @Option(name: .long, help: "The HTML file to write.")
  var html: String

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var confinement: FileConfinementOptions

  func run() throws {
    let notebook: Notebook
    do {
      notebook = try LessonLibrary.load(lesson)
    } catch {
      printError("attn: error: \(error)")
      throw ExitCode(2)
    }
    var options = evaluation.sessionOptions
    options.display = DisplayOptions(precision: evaluation.precision)
    options.files = confinement.confined(for: lesson)
    let results = NotebookRunner(session: evaluation.session(options)).run(notebook)
    let page = NotebookHTML.page(for: notebook, results: results)
    do {
      try atomicWrite(page, to: html)
    } catch {
      printError("attn: error: cannot write '\(html)': \(error.localizedDescription)")
      throw ExitCode(1)
    }
    let figures = page.components(separatedBy: "<svg ").count - 1
    print("wrote \(html) (\(results.count) cells, \(figures) figures)")
  }
}
