import Lessons

/// Pasting a transcript, as Julia's prompt allows: lines that start with
/// `attn> ` or `...> ` are input (the prompt is removed), and once such a
/// line has been seen, lines without a prompt are the transcript's old output
/// and are skipped — until a blank line or the end of the paste.
struct TranscriptFilter {

  /// Whether the current paste contained a prompt.
  private(set) var inTranscript = false

  /// The code in `line`, or nil when the line is pasted output to skip.
  /// `continuing` is true while a statement is open, whose next line is
  /// always code.
  mutating func filter(_ line: String, continuing: Bool) -> String? {
    for prompt in Transcript.prompts {
      if let code = Transcript.strip(line, prompt: prompt) {
        inTranscript = true
        return code
      }
    }
    guard inTranscript, !continuing else { return line }
    if line.allSatisfy({ $0 == " " || $0 == "\t" }) { inTranscript = false }
    return nil
  }

  /// The paste is over (the user is typing again): take lines as code.
  mutating func endOfPaste() { inTranscript = false }
}
