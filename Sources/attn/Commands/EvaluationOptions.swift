import ArgumentParser
import Attention
import AttnLang
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Options shared by every command that evaluates attn code.
struct EvaluationOptions: ParsableArguments {
  @Option(name: .long, help: "Digits after the decimal point when printing numbers.")
  var precision: Int = 4

  @Option(
    name: .customLong("max-elements"),
    help: "Refuse to create a tensor with more elements than this (before allocating it).")
  var maxElements: Int = 50_000_000

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      "Stop a statement when attn uses more than this many megabytes (default: 3/4 of memory, at most 8192).",
      valueName: "mb"))
  var maxMemory: Int?

  @Flag(name: .customLong("no-color"), help: "Never color the output (also: the NO_COLOR environment variable).")
  var noColor = false

  func validate() throws {
    guard (0...17).contains(precision) else { throw ValidationError("--precision must be between 0 and 17") }
    guard maxElements > 0 else { throw ValidationError("--max-elements must be positive") }
    if let maxMemory, maxMemory <= 0 { throw ValidationError("--max-memory must be a positive number of megabytes") }
  }

  /// The memory limit in megabytes.
  var memoryLimit: Int { maxMemory ?? MemoryGuard.defaultMegabytes }

  /// A session for these options whose statements stop when attn's memory
  /// passes ``memoryLimit``.
  func session(_ options: SessionOptions? = nil, stop: StopRequest = StopRequest()) -> Session {
    let session = Session(options: options ?? sessionOptions, stop: stop)
    EvaluationOptions.memoryGuard(megabytes: memoryLimit).watch(session.stop)
    return session
  }

  /// One guard for the process (a command runs with one set of options).
  private static let guardOfProcess = Mutex<MemoryGuard?>(nil)
  static func memoryGuard(megabytes: Int) -> MemoryGuard {
    guardOfProcess.withLock { made in
      if let made { return made }
      let new = MemoryGuard(megabytes: megabytes)
      made = new
      return new
    }
  }

  var sessionOptions: SessionOptions {
    var options = SessionOptions()
    options.display.precision = precision
    options.maximumElements = maxElements
    options.elementLimitHint = "(raise it with --max-elements or :set max-elements)"
    options.memoryStopMessage =
      "stopped: attn used more than \(memoryLimit) MB of memory (raise it with --max-memory)"
    // On a color terminal, pictures get colors and attention records show
    // their weights; anywhere else output stays plain and deterministic.
    if !noColor && Terminal.wantsColor(STDOUT_FILENO) {
      options.display.pictures = Terminal.supportsTrueColor ? .trueColor : .palette256
      options.display.picturesUnderRecords = true
    }
    options.display.width = Terminal.width()
    // On a terminal, text printed as is shows its control characters as escapes.
    options.display.escapesControlCharacters = Terminal.isTerminal(STDOUT_FILENO)
    return options
  }
}
