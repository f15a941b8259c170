import ArgumentParser
import AttnLang
import Foundation
import Lessons
import _AttnServe

/// `attn serve --stdio`: requests and responses as JSON Lines, for the
/// Jupyter kernel and other programs (see ``Server``).
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Answer requests from another program (the Jupyter kernel) as JSON Lines.",
    discussion: """
      With --stdio, reads one JSON request per line on standard input and writes one \
      JSON response per line on standard output, keeping one session (its variables) \
      across requests:
        {"id": 1, "execute": "x = softmax([1, 2])\\nx"}
        {"id": 2, "complete": "soft", "cursor": 4}
        {"id": 3, "inspect": "softmax", "cursor": 3}
        {"id": 4, "is_complete": "def f(x) {"}
      SIGINT stops the running request with the error 'interrupted'; the variables \
      stay. A cell ':lesson NAME' says which lesson a notebook follows; then \
      ':check NAME' (or check("NAME")) judges an exercise's answer against the lesson's \
      hidden checks, ':hint NAME' gives a hint and ':solution NAME' shows and runs the \
      answer. The README's Jupyter section describes every field.
      """
  )

  @Flag(name: .long, help: "Serve on standard input and output (the only transport).")
  var stdio = false

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var confinement: FileConfinementOptions

  func validate() throws {
    guard stdio else { throw ValidationError("attn serve needs --stdio") }
  }

  func run() throws {
    Interrupts.install()
    var options = evaluation.sessionOptions
    options.display = DisplayOptions(precision: evaluation.precision)
    let session = evaluation.session(options, stop: Interrupts.stop)
    let allowed = confinement.allowFiles
    Server(
      session: session,
      findLesson: { name in
        // Found as attn export and attn grade find a lesson.
        let path = lessonPath(name)
        guard FileManager.default.fileExists(atPath: path) else {
          return .failure(.init(message: "no lesson '\(name)' among the lessons installed with attn"))
        }
        do {
          let notebook = try LessonLibrary.load(path)
          let builtIn = LessonLibrary.isBuiltIn(path)
          return .success((notebook, Repl.fileAccess(forLesson: path, builtIn: builtIn, allowing: allowed)))
        } catch {
          return .failure(.init(message: "\(error)"))
        }
      }, progressPath: ProgressStore.defaultPath()
    ).run()
  }
}
