import AttnLang
import Foundation
import Lessons

/// Walking through a lesson at the prompt: the lesson offers each input,
/// Enter runs it and says whether the output matches the lesson's.
extension Repl {
  /// The line to put at the prompt for the student to run (or edit).
  var prefill: String? { pending.isEmpty ? walkthrough?.offeredLine : nil }

  /// The prose and progress to show before the next input, once per cell.
  func announcement() -> String? {
    guard let walkthrough, walkthrough.needsIntroduction else { return nil }
    walkthrough.introductionShown()
    let prose = TerminalMarkdown.render(
      walkthrough.introduction.trimmingCharacters(in: .newlines), color: color, width: Terminal.width())
    let header = "── \(walkthrough.progress) · :next skips, :back goes back, :quit leaves the lesson ──"
    return (prose.isEmpty ? "" : prose + "\n\n") + (color ? "\u{1B}[2m\(header)\u{1B}[0m" : header)
  }

  func runLessonInput(_ input: String, in walkthrough: Walkthrough) -> Bool {
    let expected = walkthrough.currentEntry?.expected ?? []
    let result = evaluate(Session.parse(SourceFile(name: name, text: input)))
    if expected.isEmpty && result.lines.isEmpty {
      // An assignment: nothing to compare.
    } else if walkthrough.matches(result.lines) {
      print(color ? "\u{1B}[32m✓ same as the lesson\u{1B}[0m" : "✓ same as the lesson")
    } else {
      print(color ? "\u{1B}[33m✗ the lesson shows:\u{1B}[0m" : "✗ the lesson shows:")
      for line in expected { print("  " + line) }
    }
    walkthrough.advance()
    finishIfDone()
    return result.succeeded
  }

  func finishIfDone() {
    guard let walkthrough, walkthrough.isFinished else { return }
    let closing = walkthrough.introduction.trimmingCharacters(in: .whitespacesAndNewlines)
    if !closing.isEmpty { print(TerminalMarkdown.render(closing, color: color, width: Terminal.width())) }
    print("\nEnd of “\(walkthrough.notebook.title)”. Its variables stay; :lesson lists the others.")
    self.walkthrough = nil
  }

  func notInLesson() -> Bool {
    printError("error: not in a lesson; :lesson lists them")
    return false
  }

  /// `:lesson` lists the lessons; `:lesson NAME` starts one.
  func startLesson(_ name: String?) -> Bool {
    if let name, name.hasSuffix(".md"), FileManager.default.fileExists(atPath: name) { return open(name) }
    guard let directory = LessonLibrary.defaultDirectory(),
      let files = try? LessonLibrary.markdownFiles(in: [directory])
    else {
      printError("error: no lessons found; set ATTN_LESSONS to the lessons directory")
      return false
    }
    guard let name else {
      print(LessonCatalog.listing(files))
      return true
    }
    guard let path = LessonLibrary.resolve(name, among: files) else {
      printError("error: no lesson '\(name)'; :lesson lists them")
      return false
    }
    return open(path)
  }

  /// Starts walking through the lesson file at `path`.
  func open(_ path: String) -> Bool {
    do {
      let notebook = try LessonLibrary.load(path)
      walkthrough = Walkthrough(notebook: notebook)
      return true
    } catch {
      printError("error: \(error)")
      return false
    }
  }
}
