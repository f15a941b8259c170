import ArgumentParser
import AttnLang
import Foundation
import Lessons

/// `attn test PATH...`: checks lessons' recorded outputs.
struct TestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Check that lessons' cells still print what they record.",
    discussion: """
      Runs every ```attn cell of each Markdown file (directories are searched for .md \
      files) in one session per file, and compares each output with the one written \
      below its input: numbers to the precision written, '...' as a wildcard. Each \
      mismatch is reported as file:line: with a diff. The last line counts the cells: \
      'N passed, N failed'. Exit status: 0 when every cell passes, 1 otherwise, 2 on \
      bad usage.

      A lesson's cells read and write files only in the lesson's own directory (where \
      relative paths start) and tempdir(); --allow-files DIR opens another directory. \
      A lesson in a directory many files share (/, a system directory, /tmp, \
      ~/Downloads) works in a private directory instead.
      """
  )

  @Argument(help: "Lesson files or directories of them.")
  var paths: [String]

  @Flag(name: .long, help: "Rewrite each file's expected outputs with what the cells print now.")
  var update = false

  @Flag(name: .long, help: "Print TAP (Test Anything Protocol) instead of text.")
  var tap = false

  @Option(name: .long, help: "Also write a JUnit XML report to this file.")
  var junit: String?

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var lessonTimeout: LessonTimeoutOptions
  @OptionGroup var confinement: FileConfinementOptions

  func run() throws {
    Interrupts.endOnInterrupt()
    let files: [String]
    do {
      files = try LessonLibrary.markdownFiles(in: paths)
    } catch {
      printError("attn: error: \(error)")
      throw ExitCode(2)
    }
    var reports: [(path: String, results: [CellResult], error: String?)] = []
    var passed = 0
    var failed = 0
    for path in files {
      let notebook: Notebook
      do {
        notebook = try LessonLibrary.load(path)
      } catch {
        reports.append((path, [], "\(error)"))
        failed += 1
        if !tap { printError("\(error)") }
        continue
      }
      var options = evaluation.sessionOptions
      options.files = confinement.confined(for: path)
      let runner = NotebookRunner(session: evaluation.session(options), timeLimit: lessonTimeout.timeout)
      let results = runner.run(notebook)
      reports.append((path, results, nil))
      let failures = results.filter { !$0.passed }
      passed += results.count - failures.count
      failed += failures.count
      if update {
        try rewrite(notebook, with: results)
        continue
      }
      if !tap {
        for failure in failures { print(LessonReport.failure(failure, path: path), terminator: "") }
        print("\(failures.isEmpty ? "ok  " : "FAIL") \(path) (\(results.count) cells)")
      }
    }
    if let junit {
      try atomicWrite(LessonReport.junit(reports), to: junit)
    }
    if tap {
      print(LessonReport.tap(reports), terminator: "")
    } else if update {
      print("updated \(files.count) file\(files.count == 1 ? "" : "s")")
    } else {
      print("\(passed) passed, \(failed) failed")
    }
    if failed > 0 && !update { throw ExitCode(1) }
  }

  func rewrite(_ notebook: Notebook, with results: [CellResult]) throws {
    let outputs = results.map { $0.entries.map(\.actual) }
    let text = notebook.updatingOutputs(outputs)
    try atomicWrite(text, to: notebook.path)
  }
}
