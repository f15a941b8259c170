/// The transcript format shared by the prompt, saved sessions and lessons:
/// an input's first line follows `attn> `, its further lines `...> `, and
/// the lines after it until the next prompt are what it printed.
public enum Transcript {
  /// Shown before the first line of an input.
  public static let prompt = "attn> "
  /// Shown before each further line of an input (inside an open bracket or block).
  public static let continuationPrompt = "...> "
  /// Both prompts, the first-line one first.
  public static let prompts = [prompt, continuationPrompt]

  /// The prompt for line `index` (from 0) of an input.
  public static func prompt(forLine index: Int) -> String { index == 0 ? prompt : continuationPrompt }

  /// An input as it appears in a transcript: each line after its prompt.
  public static func lines(of input: String) -> [String] {
    input.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
      prompt(forLine: index) + line
    }
  }

  /// The code on a transcript line that starts with `prompt` (a bare prompt
  /// without its trailing space counts as an empty line), else nil.
  public static func strip(_ line: String, prompt: String) -> String? {
    if line.hasPrefix(prompt) { return String(line.dropFirst(prompt.count)) }
    if line == String(prompt.dropLast()) { return "" }
    return nil
  }
}
