/// Control characters in text that came from a user or a file — a string, a
/// field name, a label, a file name, a lesson's prose — shown as escapes
/// (`\u{1B}`), so that printing it cannot clear the screen, set the window
/// title, write a hyperlink or the clipboard: the terminal shows text, not
/// commands. attn's own colors are added after, and stay.
public enum ControlCharacters {
  /// Whether `scalar` drives a terminal: C0 controls (but newline and tab),
  /// DEL and the C1 controls.
  @inline(__always)
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (value < 0x20 && scalar != "\n" && scalar != "\t") || value == 0x7F || (0x80...0x9F).contains(value)
  }

  /// `text` with every control character written as `\u{…}` (newlines and
  /// tabs kept unless `escapingLayout`).
  public static func escaped(_ text: String, escapingLayout: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) || (escapingLayout && ($0 == "\n" || $0 == "\t")) })
    else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if isControl(scalar) || (escapingLayout && (scalar == "\n" || scalar == "\t")) {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
