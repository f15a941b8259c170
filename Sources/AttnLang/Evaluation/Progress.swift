/// Shows the progress of a loop written `for x in progress(…)`. A front
/// end sets one on its session: on a terminal a bar with the step, the rate,
/// the time left and the value the loop shows, then a summary line; in
/// pipes and files only the summary. Where none is set (lesson checks) the
/// loop runs silently.
public protocol ProgressReporter: AnyObject {
  /// A progress loop of `total` steps (nil when unknown) is starting; it
  /// shows the variable called `shown` (`show: "loss"`), if any.
  func started(total: Int?, showing shown: String?)
  /// `step` steps are done; `value` is the variable the loop shows, if any.
  func advanced(to step: Int, of total: Int?, showing value: Value?)
  /// The loop ended after `steps` steps; `stopped` when Ctrl-C ended it early.
  func finished(steps: Int, of total: Int?, stopped: Bool)
  /// As ``started(total:showing:)``, for a loop that also says how many
  /// tokens each step processes (`tokens: B * T`), so that a rate in tokens
  /// per second can be shown.
  func started(total: Int?, showing shown: String?, tokensPerStep: Double?)
}

extension ProgressReporter {
  /// Reporters that show no token rate ignore it.
  public func started(total: Int?, showing shown: String?, tokensPerStep: Double?) {
    started(total: total, showing: shown)
  }
}

/// What a `for … in progress(…)` loop reports, compiled.
struct ProgressCode {
  /// The variable whose value the bar shows (`show: "loss"`), and its name.
  var shown: (slot: Slot, name: String)?
  /// How many tokens one step processes (`tokens: B * T`), evaluated when the loop starts.
  var tokens: (code: Compiled.Expression, range: SourceRange)? = nil
}
