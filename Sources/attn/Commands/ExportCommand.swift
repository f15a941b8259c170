import ArgumentParser
import AttnLang
import Foundation
import Lessons

/// `attn export LESSON --html OUT.html` (or `--ipynb OUT.ipynb`): a lesson
/// as one self-contained web page, or as a Jupyter notebook for the attn kernel.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Run a lesson and write it as an HTML page or a Jupyter notebook.",
    discussion: """
      The page has the prose, each cell's inputs and fresh outputs, and every heatmap, \
      bar chart and attention result's weights as inline SVG (with a tooltip per cell). \
      It loads nothing from the network, so it opens offline, and runs no script. \
      --ipynb writes a Jupyter notebook instead (or as well) that opens with the attn \
      kernel (attn jupyter install): prose as Markdown cells, each lesson cell as a code \
      cell with its outputs. Its exercises are left for the student: an empty cell with \
      the task as a comment, then check("NAME"), which the kernel answers from the \
      lesson's hidden checks (:hint NAME and :solution NAME help); no solution is in \
      the notebook. \
      The lesson's cells read and write files only in its own directory (a private one \
      when that is /tmp, ~/Downloads or another shared one) and tempdir() \
      (--allow-files DIR opens another).
      """
  )

  @Argument(help: "The lesson to export: a .md file, or an installed lesson's number or name.")
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
    let lesson = lessonPath(self.lesson)
    let notebook = try loadLessonOrExit(lesson)
    var options = evaluation.sessionOptions
    options.display = DisplayOptions(precision: evaluation.precision)
    options.files = confinement.confined(for: lesson)
    if let html {
      let results = NotebookRunner(session: evaluation.session(options), timeLimit: lessonTimeout.timeout)
        .run(notebook)
      let page = NotebookHTML.page(for: notebook, results: results)
      try write(page, to: html)
      let figures = page.components(separatedBy: "<svg ").count - 1
      print("wrote \(html) (\(results.count) cells, \(figures) figures)")
    }
    if let ipynb {
      let runner = NotebookRunner(session: evaluation.session(options), timeLimit: lessonTimeout.timeout)
      var referenceOptions = options
      referenceOptions.display = options.display.plain
      let text = NotebookJupyter.export(
        notebook, lessonName: kernelLessonName(lesson), runner: runner, referenceOptions: referenceOptions)
      try write(text, to: ipynb)
      print(
        "wrote \(ipynb) (\(notebook.cells.count) lesson cells, \(notebook.exercises.count) exercises to answer; "
          + "open it with the attn kernel: attn jupyter install)")
    }
  }

  /// How the notebook's `:lesson` cell names the lesson: a lesson shipped
  /// with attn by its file name (the kernel's attn finds it among its own),
  /// any other by its absolute path.
  func kernelLessonName(_ lesson: String) -> String {
    let name = ((lesson as NSString).lastPathComponent as NSString).deletingPathExtension
    if LessonLibrary.isBuiltIn(lesson) { return name }
    return lesson.hasPrefix("/") ? lesson : FileManager.default.currentDirectoryPath + "/" + lesson
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
