import Synchronization

/// A process-wide request to stop long computations early (Ctrl-C at a
/// prompt, a time limit): one flag for every thread, as a signal is.
///
/// The matrix kernel polls it between blocks; an operation that stopped
/// early throws ``Interruption/Stopped`` instead of returning a partial result.
public enum Interruption {
  static let flag = Atomic<Bool>(false)

  /// Asks running operations to stop; safe to call from a signal handler.
  public static func request() { flag.store(true, ordering: .relaxed) }

  /// Withdraws the request, before starting new work.
  public static func clear() { flag.store(false, ordering: .relaxed) }

  /// Whether a stop has been requested.
  public static var isRequested: Bool { flag.load(ordering: .relaxed) }

  /// Thrown by an operation that was stopped part way.
  public struct Stopped: Error, Equatable, Sendable {}
}
