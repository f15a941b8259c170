import ArgumentParser
import AttnLang
import Foundation

/// `attn` / `attn repl`: the interactive prompt.
struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Start the attn> prompt (the default command).",
    discussion: """
      Type expressions and see their values; :help lists the commands. When standard \
      input is not a terminal, reads lines without prompts and exits 0 if none had an \
      error, else 1.
      """
  )

  @OptionGroup var evaluation: EvaluationOptions

  func run() throws {
    if Terminal.isTerminal(STDIN_FILENO) {
      let session = evaluation.session(stop: Interrupts.stop)
      try InteractiveRepl(session: session, color: !evaluation.noColor && Terminal.wantsColor(STDOUT_FILENO)).run()
    } else {
      let clean = PipedRepl(session: evaluation.session()).run()
      if !clean { throw ExitCode(1) }
    }
  }
}

/// The prompt without a terminal: input lines in, values and errors out.
struct PipedRepl {
  let session: Session

  func run() -> Bool {
    let repl = Repl(session: session, color: false, name: "<stdin>")
    session.progress = TerminalProgress.forStandardOutput(of: session)
    var clean = true
    while let line = Swift.readLine(strippingNewline: true) {
      if !repl.feed(line) { clean = false }
      if repl.wantsToQuit { break }
    }
    if !repl.flush() { clean = false }
    return clean
  }
}
