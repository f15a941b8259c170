import ArgumentParser
import AttnLang
import Foundation

/// The prompt on a terminal: libedit line editing around ``Repl``.
struct InteractiveRepl {
  let session: Session
  let color: Bool
  /// A lesson to start walking through right away.
  var lesson: String? = nil
  /// Directories a lesson from elsewhere may also use (`--allow-files`).
  var allowedDirectories: [String] = []

  func run() throws {
    setUpLocale()
    Interrupts.install()
    let repl = Repl(session: session, color: color, name: "<prompt>")
    repl.allowedDirectories = allowedDirectories
    session.progress = TerminalProgress(
      width: Terminal.width(), formatter: ValueFormatter(options: session.options.display.plain), drawsBar: true)
    if let lesson, !repl.startLesson(lesson) { throw ExitCode(2) }
    let editor = LineEditor(session: session, historyPath: LineEditor.defaultHistoryPath())
    repl.onInput = { editor.remember($0) }
    print("attn \(Attn.version) — neural attention at a prompt. :help for help, :lesson for lessons, Ctrl-D to quit.")
    while !repl.wantsToQuit {
      if !inputIsWaiting() { repl.transcript.endOfPaste() }
      if let announcement = repl.announcement() { print("\n" + announcement) }
      switch editor.read(prompt: repl.prompt, prefill: repl.prefill) {
      case .line(let line):
        repl.feed(line)
      case .cancelled:
        repl.cancelPending()
        print("")
      case .end:
        if repl.pending.isEmpty {
          print("")
          editor.saveHistory()
          return
        }
        print("")
        repl.cancelPending()
      }
    }
    editor.saveHistory()
  }

  /// Whether more input is already waiting (the rest of a paste).
  func inputIsWaiting() -> Bool {
    var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, 0) > 0
  }

  /// UTF-8 input needs a UTF-8 locale before libedit starts.
  func setUpLocale() {
    setlocale(LC_ALL, "")
    let current = String(cString: setlocale(LC_CTYPE, nil))
    if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
      setlocale(LC_CTYPE, "C.UTF-8")
    }
  }
}
