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
    diagnostics.items.map { item in
      ([render(item, in: item.source ?? diagnostics.source)] + callStack(item.callStack)).joined(separator: "\n")
    }.joined(separator: "\n")
  }

  /// Calls that were in progress, innermost first, as notes pointing at each
  /// call. Deep recursion stays readable: a call repeated many times in a
  /// row is shown a few times and then counted, and of a long stack only the
  /// innermost and outermost calls are shown.
  func callStack(_ calls: [CallSite]) -> [String] {
    var runs: [(call: CallSite, count: Int)] = []
    for call in calls {
      if let last = runs.last, last.call == call { runs[runs.count - 1].count += 1 } else { runs.append((call, 1)) }
    }
    let (innermost, outermost) = (8, 4)
    var notes: [String] = []
    for (position, run) in runs.enumerated() {
      if runs.count > innermost + outermost, position == innermost {
        let hidden = runs[innermost..<(runs.count - outermost)].reduce(0) { $0 + $1.count }
        notes.append("note: … \(hidden) more call\(hidden == 1 ? "" : "s") …")
      }
      if runs.count > innermost + outermost, position >= innermost, position < runs.count - outermost { continue }
      let shown = run.count > 4 ? 3 : run.count
      let note = Diagnostic("in \(run.call.function), called here", at: run.call.range, severity: .note)
      for _ in 0..<shown { notes.append(render(note, in: run.call.source)) }
      if run.count > shown {
        let more = run.count - shown
        notes.append("note: … \(run.call.function) called here \(more) more time\(more == 1 ? "" : "s")")
      }
    }
    return notes
  }

  public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
    let location = source.location(of: diagnostic.range.start)
    var label = diagnostic.severity.rawValue + ":"
    if useColor {
      let color = diagnostic.severity == .error ? "31" : diagnostic.severity == .warning ? "35" : "36"
      label = "\u{1B}[1;\(color)m\(label)\u{1B}[0m\u{1B}[1m"
    }
    var text = ""
    if showsLocation {
      text += "\(ControlCharacters.escaped(source.name, escapingLayout: true)):\(location.line):\(location.column): "
    }
    // A message may quote a file name or a string from anyone: it shows text, not commands.
    text += "\(label) \(ControlCharacters.escaped(diagnostic.message))"
    if useColor { text += "\u{1B}[0m" }
    let line = DiagnosticRenderer.printable(source.line(location.line))
    guard !line.isEmpty || diagnostic.range.start < source.bytes.count else { return text }
    let end = source.location(of: diagnostic.range.end)
    let endColumn = end.line == location.line ? end.column : line.count + 1
    let (shown, start, stop) = DiagnosticRenderer.window(line, from: location.column - 1, to: endColumn - 1)
    text += "\n" + shown + "\n" + caret(in: shown, from: start, to: stop)
    return text
  }

  /// At most about 160 characters of a long line, around the range, with `…`
  /// where it was cut; and the range's columns within what is shown.
  static func window(_ line: String, from start: Int, to end: Int) -> (text: String, start: Int, end: Int) {
    let characters = Array(line)
    let limit = 160
    let start = min(max(start, 0), characters.count)
    let end = min(max(end, start), characters.count)
    guard characters.count > limit else { return (line, start, end) }
    let first = max(0, min(start - 40, characters.count - limit))
    let last = min(characters.count, first + limit)
    var text = String(characters[first..<last])
    var offset = first
    if first > 0 {
      text = "…" + text
      offset -= 1
    }
    if last < characters.count { text += "…" }
    return (text, start - offset, min(end, last) - offset)
  }

  /// The line with control characters (which could drive the terminal, in a
  /// binary file fed by mistake) shown as U+FFFD, one for one so columns stay.
  static func printable(_ line: String) -> String {
    String(
      String.UnicodeScalarView(
        line.unicodeScalars.map { scalar in
          let value = scalar.value
          let control = (value < 0x20 && scalar != "\t") || value == 0x7F || (0x80...0x9F).contains(value)
          return control ? "\u{FFFD}" : scalar
        }))
  }

  /// `^~~~` under columns `start ..< end` of `line`, keeping tabs so the
  /// caret lines up however the terminal shows them.
  func caret(in line: String, from start: Int, to end: Int) -> String {
    let characters = Array(line)
    var marker = characters[..<min(start, characters.count)].map { $0 == "\t" ? "\t" : " " }.joined()
    marker += useColor ? "\u{1B}[1;32m^" : "^"
    marker += String(repeating: "~", count: max(end - start - 1, 0))
    if useColor { marker += "\u{1B}[0m" }
    return marker
  }
}
