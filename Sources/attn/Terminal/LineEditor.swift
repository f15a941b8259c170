import AttnLang
@preconcurrency import CLibEdit
import Foundation

// libedit calls back through C function pointers, which capture nothing:
// what the callbacks read lives in these globals. They are unsafe to the
// compiler but used by one thread only — the one that calls `readline`,
// inside which libedit runs every callback.

/// The session completion reads from while libedit asks for candidates.
nonisolated(unsafe) var completionSession: Session?
nonisolated(unsafe) var completionCandidates: [String] = []
/// Characters to feed libedit before the keyboard: a lesson's input, placed
/// on the line for the student to run or edit.
nonisolated(unsafe) var pendingKeys: [Unicode.Scalar] = []
/// True while an offered line is on the prompt as it was offered: the first
/// key decides whether it is replaced (a character) or edited (any other key).
nonisolated(unsafe) var offerUntouched = false

/// Line editing through libedit's readline interface: Emacs keys, arrows,
/// history with Up/Down and Ctrl-R, Tab completion, and a history file.
final class LineEditor {
  let historyPath: String?
  static let historyLimit = 1000

  init(session: Session, historyPath: String?) {
    self.historyPath = historyPath
    completionSession = session
    rl_readline_name = UnsafePointer(strdup("attn"))
    // libedit's completion splits words at rl_basic_word_break_characters
    // (GNU readline's rl_completer_word_break_characters is only read by GNU's).
    rl_basic_word_break_characters = UnsafePointer(strdup(Completion.wordBreaks))
    rl_completer_word_break_characters = strdup(Completion.wordBreaks)
    rl_attempted_completion_function = { text, start, _ in
      let prefix = text.map { String(cString: $0) } ?? ""
      let line = rl_line_buffer.map { String(cString: $0) } ?? ""
      guard let session = completionSession else { return nil }
      let byteStart = Int(start)
      let before = String(decoding: Array(line.utf8).prefix(byteStart), as: UTF8.self)
      completionCandidates = Completion.candidates(
        line: line, wordStart: before.count, prefix: prefix, session: session,
        commands: PromptCommand.completionWords)
      rl_attempted_completion_over = 1
      if completionCandidates.isEmpty { return nil }
      // A lone function name gets its "(", a named argument or command a space.
      if completionCandidates.count == 1, let only = completionCandidates.first {
        rl_completion_append_character =
          Builtins.publicNames.contains(only) ? 0x28 : (only.hasSuffix(":") || only.hasPrefix(":")) ? 0x20 : 0
      } else {
        rl_completion_append_character = 0
      }
      return rl_completion_matches(text) { _, state in
        let index = Int(state)
        guard index < completionCandidates.count else { return nil }
        return strdup(completionCandidates[index])
      }
    }
    // Our own key reader (installed before libedit initializes): it serves
    // pending keys first, decodes UTF-8 into whole characters, and retries
    // reads interrupted by signals other than Ctrl-C (a window resize).
    rl_getc_function = { _ in
      if !pendingKeys.isEmpty { return Int32(bitPattern: pendingKeys.removeFirst().value) }
      let key = readKeyboardCharacter()
      if offerUntouched {
        offerUntouched = false
        // Typing over an offered line replaces it, as typing over selected
        // text does; Enter runs it and any other key (arrows, Backspace,
        // Ctrl-A…) edits it.
        if LineEditor.isTyped(key), let scalar = Unicode.Scalar(UInt32(bitPattern: key)) {
          pendingKeys = [scalar]
          return 0x15  // Ctrl-U: clear the line
        }
      }
      return key
    }
    using_history()
    // Ctrl-U clears the whole line, as in bash and GNU readline.
    _ = rl_parse_and_bind("bind ^U em-kill-line")
    stifle_history(Int32(Self.historyLimit))
    loadHistory()
  }

  /// Reads one line; nil at end of input (Ctrl-D). Ctrl-C gives `.cancelled`.
  enum Input {
    case line(String)
    case cancelled, end
  }

  /// Reads one line, with `prefill` on it to run with Enter: typing
  /// replaces it, editing keys change it.
  func read(prompt: String, prefill: String? = nil) -> Input {
    Interrupts.stop.clear()
    let offer = prefill ?? ""
    pendingKeys = Array(offer.unicodeScalars)
    offerUntouched = !offer.isEmpty
    defer { offerUntouched = false }
    guard let raw = readline(prompt) else {
      if Interrupts.stop.isRequested { return .cancelled }
      return .end
    }
    defer { free(raw) }
    if Interrupts.stop.isRequested { return .cancelled }
    return .line(String(cString: raw))
  }

  /// Whether a key from ``readKeyboardCharacter()`` types a character
  /// (rather than moving, deleting or ending the line).
  static func isTyped(_ key: Int32) -> Bool { key >= 0x20 && key != 0x7F }

  /// Adds a whole input to the history: a block typed over several lines is
  /// one entry, recalled whole.
  func remember(_ input: String) {
    guard !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
    add_history(input)
  }

  /// The largest history file read (a history holds at most ``historyLimit`` entries).
  static let historyFileLimit: Int64 = 16 << 20

  /// Whether the history is written back on exit: not after a history file
  /// that exists could not be read (another program's, a device, too large),
  /// so a user's file is never overwritten.
  private(set) var keepsHistory = true

  /// Reads the history only from a regular file of at most
  /// ``historyFileLimit`` bytes (a FIFO, `/dev/zero` or a huge file is
  /// refused, never read); after a failed read, history is not kept.
  func loadHistory() {
    guard let historyPath else { return }
    var info = stat()
    guard stat(historyPath, &info) == 0 else { return }  // not there yet: made on exit
    let problem: String?
    if info.st_mode & S_IFMT != S_IFREG {
      problem = "it is not a regular file"
    } else if Int64(info.st_size) > Self.historyFileLimit {
      problem = "it is larger than \(Self.historyFileLimit >> 20) MB"
    } else if read_history(historyPath) != 0 {
      problem = "it is not a history attn can read"
    } else {
      problem = nil
    }
    if let problem {
      keepsHistory = false
      printError(
        "attn: warning: cannot read the history file \(historyPath) (\(problem)); it is left as it is, and this session's history is not kept"
      )
    }
  }

  /// Saves the history the way attn writes every file: a temporary file
  /// renamed over it (an interrupted save never leaves half a history), the
  /// file's mode kept, a symbolic link written through.
  func saveHistory() {
    guard let historyPath, keepsHistory else { return }
    let directory = (historyPath as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("attn-history-\(getpid())").path
    defer { unlink(scratch) }
    do {
      guard write_history(scratch) == 0, let data = FileManager.default.contents(atPath: scratch) else {
        throw FileAccessError("cannot write the history")
      }
      try FileAccess.unrestricted().write(Array(data), to: historyPath)
    } catch {
      printError("attn: warning: cannot write the history file \(historyPath): \(error)")
    }
  }

  /// Where history lives: `$ATTN_HISTORY`, else `$XDG_STATE_HOME/attn/history`,
  /// else `~/.attn_history`. An empty `ATTN_HISTORY` turns history off.
  static func defaultHistoryPath() -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["ATTN_HISTORY"] { return path.isEmpty ? nil : path }
    if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/attn/history" }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.attn_history"
  }
}

/// One character from standard input, decoded from UTF-8; -1 at end of
/// input or when Ctrl-C interrupted the read.
func readKeyboardCharacter() -> Int32 {
  func readByte() -> Int32 {
    var byte: UInt8 = 0
    while true {
      // A Ctrl-C can land while libedit is busy rather than blocked in read;
      // waking up regularly to look at the flag means it is never missed.
      if Interrupts.stop.isRequested { return -1 }
      var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, 100)
      if ready == 0 || (ready < 0 && errno == EINTR) { continue }
      let count = read(STDIN_FILENO, &byte, 1)
      if count == 1 { return Int32(byte) }
      if count < 0, errno == EINTR || errno == EAGAIN { continue }
      return -1
    }
  }
  let first = readByte()
  guard first >= 0x80 else { return first }
  let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
  var bytes = [UInt8(first)]
  for _ in 1..<length {
    let next = readByte()
    guard next >= 0 else { return -1 }
    bytes.append(UInt8(next))
  }
  let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
  return Int32(bitPattern: scalar.value)
}
