import ArgumentParser
import AttnLang
import Foundation
import Lessons

/// `attn lesson [NAME]`: lists the lessons, or walks through one.
struct LessonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lesson",
    abstract: "List the lessons, or walk through one at the prompt.",
    discussion: """
      NAME is a lesson's number (3), file name (03-selecting-a-vector) or a word of it \
      (softmax). At the prompt each input of the lesson is offered on the line as the \
      lesson writes it (a block line by line): Enter runs it, typing replaces it with \
      your own command, an editing key (arrows, Backspace) edits it; attn says whether \
      the output matches the lesson's. :skip skips an input, :next the cell, :back goes \
      back, :quit returns to the plain prompt keeping the variables; :help lesson at \
      the prompt says more. Without a terminal, prints the \
      whole lesson with fresh outputs. Lessons are read from $ATTN_LESSONS, ./lessons, \
      or the lessons folder next to the attn build; NAME may also be the path of a \
      lesson file (.md) from elsewhere, whose cells then read and write files only in \
      its own directory (a private one when that is /tmp, ~/Downloads or another \
      shared one) and tempdir() (--allow-files DIR opens another).
      """
  )

  @Argument(help: "The lesson to walk through; omit to list them.")
  var name: String?

  @Flag(name: .long, help: "Print the lessons' file paths (or NAME's), one per line, for scripts.")
  var paths = false

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var lessonTimeout: LessonTimeoutOptions
  @OptionGroup var confinement: FileConfinementOptions

  func run() throws {
    let directory = LessonLibrary.defaultDirectory()
    let path: String
    let builtIn: Bool
    if let name, name.hasSuffix(".md"), FileManager.default.fileExists(atPath: name) {
      // A lesson file from anywhere: confined unless it is one of ours.
      path = name
      builtIn = LessonLibrary.isBuiltIn(name)
    } else {
      guard let directory, let files = try? LessonLibrary.markdownFiles(in: [directory]) else {
        printError("attn: error: no lessons found; set ATTN_LESSONS to the lessons directory")
        throw ExitCode(2)
      }
      guard let name else {
        if paths {
          for file in files { print(file) }
          return
        }
        print(LessonCatalog.listing(files, progress: ProgressStore.defaultPath().map(ProgressStore.init(path:))))
        return
      }
      guard let found = LessonLibrary.resolve(name, among: files) else {
        printError("attn: error: no lesson '\(name)'; attn lesson lists them")
        throw ExitCode(2)
      }
      path = found
      // A stranger's ./lessons may be found first: only attn's own are built in.
      builtIn = LessonLibrary.isBuiltIn(found)
    }
    if paths {
      print(path)
      return
    }
    let allowed = confinement.allowFiles.map {
      $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0
    }
    if Terminal.isTerminal(STDIN_FILENO) && Terminal.isTerminal(STDOUT_FILENO) {
      let session = evaluation.session(stop: Interrupts.stop)
      let color = !evaluation.noColor && Terminal.wantsColor(STDOUT_FILENO)
      try InteractiveRepl(session: session, color: color, lesson: path, allowedDirectories: allowed).run()
    } else {
      var options = evaluation.sessionOptions
      options.files = Repl.fileAccess(forLesson: path, builtIn: builtIn, allowing: allowed)
      try readThrough(path, session: evaluation.session(options))
    }
  }

  /// Prints the lesson with every cell run afresh, as a notebook would show it.
  func readThrough(_ path: String, session: Session) throws {
    let notebook: Notebook
    do {
      notebook = try LessonLibrary.load(path)
    } catch {
      printError("attn: error: \(error)")
      throw ExitCode(1)
    }
    let runner = NotebookRunner(session: session, timeLimit: lessonTimeout.timeout)
    var mismatches = 0
    for block in notebook.blocks {
      switch block {
      case .prose(let text, _):
        print(text)
      case .cell(let cell) where cell.exercise != nil:
        // The answer is the student's to find: the solution runs unseen, so the lesson goes on.
        _ = runner.run(cell, in: notebook)
        let exercise = cell.exercise?.name ?? ""
        print("(exercise \(exercise): answer it at the prompt, where attn checks it: attn lesson \(name ?? path))")
      case .cell(let cell):
        let result = runner.run(cell, in: notebook)
        for entry in result.entries {
          for line in Transcript.lines(of: entry.entry.input) { print(line) }
          for line in entry.actual { print(line) }
          if cell.options.check && !entry.matches { mismatches += 1 }
        }
      }
    }
    if mismatches > 0 {
      printError(
        "attn: \(mismatches) output\(mismatches == 1 ? "" : "s") differ from the lesson (attn test \(path) shows how)")
      throw ExitCode(1)
    }
  }
}
