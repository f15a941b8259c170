import ArgumentParser
import AttnLang
import Foundation
import Synchronization

/// `attn run FILE...`: evaluates DSL files and prints each bare expression's value.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Evaluate attn files and print their values.",
    discussion: """
      Each file runs in a fresh session and stops at its first error; the other files \
      still run. Errors look like the compiler's: file:line:column: error: message, \
      the line, and a caret. With --json, every printed value and every error is one \
      JSON object per line on standard output, for graders and CI:
        {"file": "f.attn", "line": 3, "value": {"type": "tensor", "shape": [2], "data": [0.5, 0.5]}}
        {"file": "f.attn", "line": 4, "column": 9, "error": "dot: last axes differ: [3] vs [2]"}
        {"file": "f.attn", "line": 5, "print": "loss 0.25"}
      An error inside a function adds "stack": the calls that led to it, innermost first. \
      Exit status: 0 when every file ran cleanly, 1 when any had an error (or timed \
      out), 2 on bad usage such as an unknown option or a file that cannot be read.

      Files run as you: load, save, svg and lines use any path you could. For files \
      from others, --sandbox confines each to its own directory (where relative paths \
      start) and tempdir() — a private one for a file in a directory many files share \
      (/, a system directory, /tmp, ~/Downloads); --allow-files DIR opens another.
      """
  )

  @Argument(help: "Files to evaluate; '-' (or none) reads standard input.")
  var files: [String] = ["-"]

  @Flag(name: .long, help: "Print JSON Lines instead of text.")
  var json = false

  @Option(name: .long, help: "Stop a file that runs longer than this many seconds (an error, status 1).")
  var timeout: Double?

  @Flag(
    name: .long,
    help: "Run files as files from others: they read and write only in their own directory and tempdir().")
  var sandbox = false

  @OptionGroup var evaluation: EvaluationOptions
  @OptionGroup var confinement: FileConfinementOptions

  func validate() throws {
    if !confinement.allowFiles.isEmpty && !sandbox {
      throw ValidationError("--allow-files applies to --sandbox; without it files may use any path")
    }
    if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
  }

  func run() throws {
    Interrupts.endOnInterrupt()
    let reporter = Reporter(
      json: json, precision: evaluation.precision,
      color: !evaluation.noColor && Terminal.wantsColor(STDERR_FILENO))
    var hadError = false
    var hadUsageError = false
    for path in files {
      guard let source = readSource(path) else {
        hadUsageError = true
        continue
      }
      var options = evaluation.sessionOptions
      if sandbox { options.files = confinement.confined(for: path) }
      let session = evaluation.session(options)
      session.progress = TerminalProgress.forStandardOutput(of: session)
      if !evaluate(source, in: session, reporter: reporter) { hadError = true }
    }
    if hadUsageError { throw ExitCode(2) }
    if hadError { throw ExitCode(1) }
  }

  /// Reads a file (or standard input for `-`), reporting why it cannot.
  func readSource(_ path: String) -> SourceFile? {
    do {
      return try SourceFile.read(path)
    } catch {
      printError("attn: error: \(error)")
      return nil
    }
  }

  /// Runs one file, with the time limit if there is one; true when it ran cleanly.
  func evaluate(_ source: SourceFile, in session: Session, reporter: Reporter) -> Bool {
    guard let timeout else { return reporter.execute(source, in: session) }
    let finished = DispatchSemaphore(value: 0)
    let result = Mutex<Diagnostics?>(nil)
    // The session is handed to the worker whole: from here on this thread
    // touches only its stop request (itself Sendable), never the session.
    let stop = session.stop
    nonisolated(unsafe) let handedOver = session
    // A thread with as much stack as the main one has (runWithLargeStack), for deep recursion.
    let worker = Thread {
      let error = reporter.run(source, in: handedOver)
      result.withLock { $0 = error }
      finished.signal()
    }
    worker.stackSize = 512 << 20
    worker.start()
    if finished.wait(timeout: .now() + timeout) == .success {
      guard let error = result.withLock({ $0 }) else { return true }
      reporter.report(error)
      return false
    }
    // The stop makes the evaluation fail with "interrupted" at its next step;
    // a single huge operation cannot be stopped, so then the run ends here.
    stop.requestForDeadline()
    if finished.wait(timeout: .now() + 2) == .timedOut {
      reporter.report(message: "timed out after \(timeout) seconds", file: source.name)
      Foundation.exit(1)
    }
    // One outcome: a file that finished before it saw the stop ran cleanly;
    // one the stop ended timed out (and did nothing after it).
    guard let error = result.withLock({ $0 }) else { return true }
    if stop.reason == .deadline, error.items.first?.message == "interrupted" {
      reporter.report(message: "timed out after \(timeout) seconds", file: source.name)
    } else {
      reporter.report(error)
    }
    return false
  }
}
