import AttnLang
import Foundation

/// Draws `for … in progress(…)` loops. On a terminal: one line, redrawn at
/// most ten times a second, with the step, a bar, the rate, the time left
/// and the variable the loop shows (`step 137/1000 ━━━╸── 14% · 410 steps/s ·
/// 2.1 s left · loss 1.8234`), replaced when the loop ends by a summary
/// (`1000 steps in 0.20 s · 5000 steps/s · loss 2.1800`). In pipes and files
/// (`drawsBar` false) only the summary, on standard error, so that standard
/// output keeps only values.
final class TerminalProgress: ProgressReporter {
  let width: Int
  let formatter: ValueFormatter
  /// Whether a bar is drawn while the loop runs (a terminal).
  let drawsBar: Bool
  var started = Date()
  var lastDrawn = Date.distantPast
  var drewSomething = false
  /// The variable the loop shows, and its latest value.
  var shown: String?
  var latest: Value?

  init(width: Int, formatter: ValueFormatter, drawsBar: Bool = true) {
    self.width = width
    self.formatter = formatter
    self.drawsBar = drawsBar
  }

  /// The reporter for `session`'s output: a bar when standard output is a
  /// terminal, else only the summary on standard error.
  static func forStandardOutput(of session: Session) -> TerminalProgress {
    TerminalProgress(
      width: Terminal.width(), formatter: ValueFormatter(options: session.options.display.plain),
      drawsBar: Terminal.isTerminal(STDOUT_FILENO))
  }

  /// Tokens one step processes (`tokens:`), for a rate in tokens per second.
  var tokensPerStep: Double?

  func started(total: Int?, showing shown: String?) {
    started(total: total, showing: shown, tokensPerStep: nil)
  }

  func started(total: Int?, showing shown: String?, tokensPerStep: Double?) {
    self.tokensPerStep = tokensPerStep
    started = Date()
    lastDrawn = .distantPast
    drewSomething = false
    self.shown = shown
    latest = nil
  }

  func advanced(to step: Int, of total: Int?, showing value: Value?) {
    latest = value
    guard drawsBar else { return }
    let now = Date()
    guard now.timeIntervalSince(lastDrawn) >= 0.1 || step == total else { return }
    lastDrawn = now
    draw(line(step: step, total: total, elapsed: now.timeIntervalSince(started)))
  }

  func finished(steps: Int, of total: Int?, stopped: Bool) {
    if drewSomething { draw("") }
    let text = summary(steps: steps, total: total, stopped: stopped, elapsed: Date().timeIntervalSince(started))
    if drawsBar {
      print(text)
    } else {
      printError(text)
    }
    fflush(nil)
  }

  /// `1000 steps in 0.20 s · 5000 steps/s · loss 2.1800`, or for a loop
  /// Ctrl-C ended: `stopped at step 137 of 1000 (Ctrl-C) in 0.03 s · … ; the
  /// variables keep what the 137 steps did`.
  func summary(steps: Int, total: Int?, stopped: Bool, elapsed: Double) -> String {
    let of = total.map { " of \($0)" } ?? ""
    var parts = [
      (stopped ? "stopped at step \(steps)\(of) (Ctrl-C) after " : "\(steps) step\(steps == 1 ? "" : "s") in ")
        + duration(elapsed)
    ]
    if elapsed > 0, steps > 0 { parts.append(rate(Double(steps) / elapsed)) }
    if let shownText { parts.append(shownText) }
    var text = parts.joined(separator: " · ")
    if stopped { text += "; the variables keep what the \(steps) steps did" }
    return text
  }

  /// `step 137/1000 ━━━━╸──── 14% · 2.1 s left · 410 steps/s · loss 1.8234`
  func line(step: Int, total: Int?, elapsed: Double) -> String {
    let speed = elapsed > 0 ? Double(step) / elapsed : 0
    var parts = ["step \(step)" + (total.map { "/\($0)" } ?? "")]
    if let total, total > 0 {
      let fraction = Double(step) / Double(total)
      let cells = 20
      let filled = Int(fraction * Double(cells))
      parts[0] +=
        " " + String(repeating: "━", count: filled) + (filled < cells ? "╸" : "")
        + String(repeating: "─", count: max(0, cells - filled - 1)) + String(format: " %3.0f%%", fraction * 100)
      if speed > 0, step < total { parts.append(duration(Double(total - step) / speed) + " left") }
    }
    if speed > 0 { parts.append(rate(speed)) }
    if let shownText { parts.append(shownText) }
    return String(parts.joined(separator: " · ").prefix(max(width - 1, 20)))
  }

  /// The shown variable, labeled: `loss 1.8234` (the first line of a tensor).
  var shownText: String? {
    guard let latest else { return nil }
    let text = formatter.format(latest).split(separator: "\n").first.map(String.init) ?? ""
    return shown.map { "\($0) \(text)" } ?? text
  }

  /// `410 steps/s`, and with tokens per step `410 steps/s · 26,240 tokens/s`.
  func rate(_ stepsPerSecond: Double) -> String {
    let steps =
      stepsPerSecond >= 10
      ? String(format: "%.0f steps/s", stepsPerSecond) : String(format: "%.1f steps/s", stepsPerSecond)
    guard let tokensPerStep else { return steps }
    var digits = String(Int((stepsPerSecond * tokensPerStep).rounded()))
    // Thousands separated by commas: 26,240.
    for index in stride(from: digits.count - 3, to: 0, by: -3) {
      digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
    }
    return steps + " · " + digits + " tokens/s"
  }

  func duration(_ seconds: Double) -> String {
    seconds < 60
      ? formatDuration(seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
  }

  /// Replaces the line under the cursor with `text`.
  func draw(_ text: String) {
    print("\r\u{1B}[2K" + text, terminator: "")
    fflush(nil)
    drewSomething = !text.isEmpty
  }
}
