import AttnLang
import Foundation

/// Draws `for … in progress(…)` loops on the terminal: one line, redrawn
/// at most ten times a second, with the step, a bar, the rate, the time left
/// and the value the loop shows; erased when the loop ends. Set only on an
/// interactive terminal, so bars never reach pipes, files or lessons.
final class TerminalProgress: ProgressReporter {
  let width: Int
  let formatter: ValueFormatter
  var started = Date()
  var lastDrawn = Date.distantPast
  var drewSomething = false

  init(width: Int, formatter: ValueFormatter) {
    self.width = width
    self.formatter = formatter
  }

  func started(total: Int?) {
    started = Date()
    lastDrawn = .distantPast
    drewSomething = false
  }

  func advanced(to step: Int, of total: Int?, showing value: Value?) {
    let now = Date()
    guard now.timeIntervalSince(lastDrawn) >= 0.1 || step == total else { return }
    lastDrawn = now
    draw(line(step: step, total: total, value: value, elapsed: now.timeIntervalSince(started)))
  }

  func finished(steps: Int, of total: Int?, stopped: Bool) {
    if drewSomething { draw("") }
    if stopped {
      let of = total.map { " of \($0)" } ?? ""
      print("stopped at step \(steps)\(of) (Ctrl-C); the variables keep what the \(steps) steps did")
    }
    fflush(nil)
  }

  /// `step 137/1000 ━━━━╸──── 14% · 410 steps/s · 2.1 s left · loss 1.8234`
  func line(step: Int, total: Int?, value: Value?, elapsed: Double) -> String {
    let rate = elapsed > 0 ? Double(step) / elapsed : 0
    var parts = ["step \(step)" + (total.map { "/\($0)" } ?? "")]
    if let total, total > 0 {
      let fraction = Double(step) / Double(total)
      let cells = 20
      let filled = Int(fraction * Double(cells))
      parts[0] +=
        " " + String(repeating: "━", count: filled) + (filled < cells ? "╸" : "")
        + String(repeating: "─", count: Swift.max(0, cells - filled - 1)) + String(format: " %3.0f%%", fraction * 100)
      if rate > 0, step < total { parts.append(duration(Double(total - step) / rate) + " left") }
    }
    if rate > 0 {
      parts.append(rate >= 10 ? String(format: "%.0f steps/s", rate) : String(format: "%.1f steps/s", rate))
    }
    if let value {
      let text = formatter.format(value).split(separator: "\n").first.map(String.init) ?? ""
      parts.append(text)
    }
    return String(parts.joined(separator: " · ").prefix(Swift.max(width - 1, 20)))
  }

  func duration(_ seconds: Double) -> String {
    seconds < 60
      ? String(format: "%.1f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
  }

  /// Replaces the line under the cursor with `text`.
  func draw(_ text: String) {
    print("\r\u{1B}[2K" + text, terminator: "")
    fflush(nil)
    drewSomething = !text.isEmpty
  }
}
