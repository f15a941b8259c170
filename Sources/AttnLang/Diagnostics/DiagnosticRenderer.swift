/// Renders diagnostics the way the Swift compiler does:
///
///     lesson.attn:3:9: error: dot: last axes differ: [3] vs [2]
///     x = dot(a, b)
///         ^~~~~~~~~
public struct DiagnosticRenderer: Sendable {
  /// Whether to color the severity (ANSI escapes).
  public var useColor: Bool
  /// Whether to start with `file:line:column:`; the REPL leaves it out
  /// because the line is right above.
  public var showsLocation: Bool

  public init(useColor: Bool = false, showsLocation: Bool = true) {
    self.useColor = useColor
    self.showsLocation = showsLocation
  }

  public func render(_ diagnostics: Diagnostics) -> String {
    diagnostics.items.map { render($0, in: diagnostics.source) }.joined(separator: "\n")
  }

  public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
    let location = source.location(of: diagnostic.range.start)
    var label = diagnostic.severity.rawValue + ":"
    if useColor {
      let color = diagnostic.severity == .error ? "31" : diagnostic.severity == .warning ? "35" : "36"
      label = "\u{1B}[1;\(color)m\(label)\u{1B}[0m\u{1B}[1m"
    }
    var text = ""
    if showsLocation { text += "\(source.name):\(location.line):\(location.column): " }
    text += "\(label) \(diagnostic.message)"
    if useColor { text += "\u{1B}[0m" }
    let line = source.line(location.line)
    guard !line.isEmpty || diagnostic.range.start < source.bytes.count else { return text }
    text += "\n" + line + "\n" + caret(under: diagnostic.range, in: source, line: line, location: location)
    return text
  }

  /// `^~~~` under the range's part on its first line, keeping tabs so the
  /// caret lines up however the terminal shows them.
  func caret(under range: SourceRange, in source: SourceFile, line: String, location: SourceLocation) -> String {
    let characters = Array(line)
    let startColumn = Swift.min(location.column - 1, characters.count)
    let end = source.location(of: range.end)
    let endColumn =
      end.line == location.line ? Swift.min(end.column - 1, characters.count) : characters.count
    var marker = characters[..<startColumn].map { $0 == "\t" ? "\t" : " " }.joined()
    marker += useColor ? "\u{1B}[1;32m^" : "^"
    marker += String(repeating: "~", count: Swift.max(endColumn - startColumn - 1, 0))
    if useColor { marker += "\u{1B}[0m" }
    return marker
  }
}
