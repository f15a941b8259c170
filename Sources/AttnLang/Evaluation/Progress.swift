/// Shows the progress of a loop written `for x in progress(…)`. A front
/// end on a terminal sets one on its session (a bar with the step, the rate,
/// the time left and the value the loop shows); elsewhere — pipes, files,
/// lesson checks — there is none and the loop runs silently.
public protocol ProgressReporter: AnyObject {
  /// A progress loop of `total` steps (nil when unknown) is starting.
  func started(total: Int?)
  /// `step` steps are done; `value` is the variable the loop shows, if any.
  func advanced(to step: Int, of total: Int?, showing value: Value?)
  /// The loop ended after `steps` steps; `stopped` when Ctrl-C ended it early.
  func finished(steps: Int, of total: Int?, stopped: Bool)
}

/// What a `for … in progress(…)` loop reports, compiled.
struct ProgressCode {
  /// The variable whose value the bar shows (`show: "loss"`), and its name.
  var shown: (slot: Slot, name: String)?
}
