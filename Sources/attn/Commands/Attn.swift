import ArgumentParser
import Attention
import AttnLang
import Foundation
import _System

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `attn` command: the prompt by default, plus batch subcommands.
@main
struct Attn: ParsableCommand {
  static let version = "0.2.0"

  static let configuration = CommandConfiguration(
    commandName: "attn",
    abstract: "Learn neural attention at an interactive prompt.",
    discussion: """
      With no subcommand, starts the attn> prompt (or, when standard input is not a \
      terminal, evaluates the lines it reads). Exit status: 0 when everything ran \
      cleanly, 1 when any file had an error or a lesson a mismatch, 2 on bad usage.
      """,
    version: "attn \(version)",
    subcommands: [
      ReplCommand.self, RunCommand.self, TestCommand.self, LessonCommand.self, ExportCommand.self, GradeCommand.self,
      ServeCommand.self, JupyterCommand.self,
      GradeOneCommand.self,
    ],
    defaultSubcommand: ReplCommand.self
  )

  /// Parses the command line and runs it (on a thread with room for deep
  /// recursion), using exit status 2 for usage mistakes (the convention of
  /// Unix tools) instead of 64.
  static func main() {
    // A training step or a gradient frees and allocates tensors of the same
    // sizes over and over: by default glibc hands large blocks back and the
    // next use faults in every page again (a third of multi-head attention's
    // gradient at n = 512).
    attn_keep_freed_memory()
    ComputeSettings.configure(from: ProcessInfo.processInfo.environment)
    Interrupts.removeTemporaryDirectoriesWhenEnded()
    runWithLargeStack { runCommandLine() }
  }

  static func runCommandLine() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        printError(fullMessage(for: error))
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}
