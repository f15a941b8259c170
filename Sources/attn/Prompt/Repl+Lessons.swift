import AttnLang
import Foundation
import Lessons

/// Walking through a lesson at the prompt: the lesson offers each input,
/// Enter runs it and says whether the output matches the lesson's.
extension Repl {
  /// The line to put at the prompt for the student to run (or edit): the
  /// next line of the lesson's input, while what is pending is its start.
  var prefill: String? {
    guard let offered = walkthrough?.offeredLines, pending.count == offerAccepted, offerAccepted < offered.count
    else { return nil }
    return offered[offerAccepted]
  }

  /// The prose and progress to show before the next input, once per cell.
  func announcement() -> String? {
    guard let walkthrough, walkthrough.needsIntroduction else { return nil }
    walkthrough.introductionShown()
    let prose = TerminalMarkdown.render(
      walkthrough.introduction.trimmingCharacters(in: .newlines), color: color, width: Terminal.width())
    let header =
      walkthrough.currentExercise.map {
        "── \(walkthrough.progress) · exercise \($0.name): type your answer · :hint · :solution · :next skips ──"
      } ?? "── \(walkthrough.progress) · Enter runs · type to replace · :skip · :next · :back · :quit ──"
    var text = prose.isEmpty ? "" : prose + "\n\n"
    if !walkthrough.startShown {
      walkthrough.startShown = true
      text +=
        paint(
          "Enter runs each offered line as the lesson shows it; typing replaces it, arrow keys edit it (:help lesson).",
          code: "2") + "\n"
    }
    return text + paint(header, code: "2")
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
    let directory = LessonLibrary.defaultDirectory()
    if let name, name.hasSuffix(".md"), FileManager.default.fileExists(atPath: name) {
      return open(name, builtIn: LessonLibrary.isBuiltIn(name))
    }
    guard let directory, let files = try? LessonLibrary.markdownFiles(in: [directory]) else {
      printError("error: no lessons found; set ATTN_LESSONS to the lessons directory")
      return false
    }
    guard let name else {
      print(LessonCatalog.listing(files, progress: progressStore))
      return true
    }
    guard let path = LessonLibrary.resolve(name, among: files) else {
      printError("error: no lesson '\(name)'; :lesson lists them")
      return false
    }
    return open(path, builtIn: LessonLibrary.isBuiltIn(path))
  }

  /// Starts walking through the lesson file at `path`. Its relative paths
  /// start in its directory; a lesson from elsewhere (not `builtIn`) may use
  /// files only there and in tempdir() until the walkthrough ends.
  func open(_ path: String, builtIn: Bool) -> Bool {
    do {
      let notebook = try LessonLibrary.load(path)
      let before = filesOutsideLesson ?? session.options.files
      walkthrough = Walkthrough(notebook: notebook)
      filesOutsideLesson = before
      session.options.files = Repl.fileAccess(forLesson: path, builtIn: builtIn, allowing: allowedDirectories)
      return true
    } catch {
      printError("error: \(error)")
      return false
    }
  }

  /// How a lesson's cells may use files: from its own directory, anywhere
  /// for the built-in lessons, confined for any other.
  static func fileAccess(forLesson path: String, builtIn: Bool, allowing allowed: [String]) -> FileAccess {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return builtIn
      ? .unrestricted(base: (absolute as NSString).deletingLastPathComponent)
      : FileConfinementOptions.confined(toDirectoryOf: absolute, allowing: allowed)
  }
}
