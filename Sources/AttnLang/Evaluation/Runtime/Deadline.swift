import Attention
import Dispatch
import Foundation

/// Requests a deadline stop after a number of seconds unless cancelled first,
/// from a thread of its own: a timer on a shared queue could wait behind the
/// very work it is meant to stop.
public final class Deadline: Sendable {
  private let cancelled = DispatchSemaphore(value: 0)

  /// Starts the clock for `stop`.
  public init(after seconds: Double, stopping stop: StopRequest) {
    let thread = Thread { [cancelled] in
      if cancelled.wait(timeout: .now() + seconds) == .timedOut { stop.requestForDeadline() }
    }
    thread.stackSize = 64 << 10
    thread.start()
  }

  /// Stops the clock (the stop is not requested if it had not been yet).
  public func cancel() { cancelled.signal() }
}
