import Synchronization

/// A request to stop a computation early (Ctrl-C at a prompt, a time limit),
/// shared by the thread that asked and the threads doing the work.
///
/// Kernels poll it between blocks; an operation that sees it throws
/// ``ExecutionContext/Stopped`` instead of returning a partial result.
/// Requesting is a single atomic store, so it is safe from a signal handler.
public final class StopRequest: Sendable {
  /// Why a stop was requested.
  public enum Reason: UInt8, Sendable {
    /// Ctrl-C, or a caller's own request.
    case interruption = 1
    /// A time limit ran out.
    case deadline = 2
    /// The process used more memory than it may.
    case memory = 3
  }

  /// 0: none; otherwise a ``Reason``.
  private let state = Atomic<UInt8>(0)

  /// A request not yet made.
  public init() {}

  /// Asks running operations to stop: an interruption, such as Ctrl-C.
  public func request() { state.store(Reason.interruption.rawValue, ordering: .relaxed) }

  /// Asks running operations to stop because time is up; unlike an
  /// interruption it cannot be taken back by ``takeInterruption()``.
  public func requestForDeadline() { state.store(Reason.deadline.rawValue, ordering: .relaxed) }

  /// Asks running operations to stop because memory ran over its limit; it
  /// cannot be taken back by ``takeInterruption()`` either.
  public func requestForMemory() { state.store(Reason.memory.rawValue, ordering: .relaxed) }

  /// Withdraws the request, before starting new work.
  public func clear() { state.store(0, ordering: .relaxed) }

  /// Whether a stop has been requested.
  public var isRequested: Bool { state.load(ordering: .relaxed) != 0 }

  /// Why the stop was requested, if it was.
  public var reason: Reason? { Reason(rawValue: state.load(ordering: .relaxed)) }

  /// Takes an interruption (Ctrl-C) as handled, for work that stops
  /// gracefully: true if there was one (it is withdrawn); a deadline stays.
  public func takeInterruption() -> Bool {
    state.compareExchange(expected: Reason.interruption.rawValue, desired: 0, ordering: .relaxed).exchanged
  }
}

/// The limits and the stop request that every operation of the library runs
/// under — in the spirit of MLX's task-local streams and memory limit.
///
/// A front end binds one context per evaluation with ``run(_:)``; the
/// library reads ``current``: every result tensor is checked against
/// ``maximumElements`` before it is allocated, and long kernels poll
/// ``stop``. Worker threads get the context from the thread that started
/// them, so a stop reaches every core. Nothing here is process-wide: two
/// evaluations on two threads have their own limits and their own stops.
///
///     let context = ExecutionContext(maximumElements: 1_000)
///     try context.run { try zeros([20, 100]) }  // throws ElementLimitExceeded
public struct ExecutionContext: Sendable {
  /// The most elements one result tensor may have.
  public var maximumElements: Int
  /// Polled by long operations; request it to stop them.
  public var stop: StopRequest
  /// The tape operations record on while a gradient is computed (see ``valueWithGradient(at:of:)``).
  var tape: Tape? = nil

  /// Whether a gradient is being computed in this context (inside
  /// `valueWithGradient` and its kin): what training-only layers such as
  /// dropout ask.
  public var isComputingGradient: Bool { tape != nil }

  /// A context with a limit (unlimited by default) and a fresh stop request.
  public init(maximumElements: Int = .max, stop: StopRequest = StopRequest()) {
    self.maximumElements = maximumElements
    self.stop = stop
  }

  /// The context of the running evaluation: the innermost ``run(_:)`` on
  /// this thread or task, else an unlimited one that is never stopped.
  public static var current: ExecutionContext { bound.get() ?? unbound }

  @usableFromInline static let bound = TaskLocal<ExecutionContext?>(wrappedValue: nil)
  static let unbound = ExecutionContext()

  /// Runs `body` with this context as ``current``. (Inlinable, so that callers
  /// bind the task-local value without generic dispatch: a prompt statement
  /// takes a microsecond or two, and this runs once for each.)
  @inlinable public func run<T, Failure: Error>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    let result: Result<T, Failure> = ExecutionContext.bound.withValue(self) {
      do throws(Failure) { return .success(try body()) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Thrown by an operation that saw the stop request part way.
  public struct Stopped: Error, Equatable, Sendable {
    /// The error for a stopped operation.
    public init() {}
  }

  /// Throws ``Stopped`` when a stop was requested.
  public func checkStop() throws {
    if stop.isRequested { throw Stopped() }
  }

  /// Refuses a result of `shape` larger than ``maximumElements``; call it
  /// before allocating the result.
  @_specialize(exported:true,where S == [Int])
  public func reserve<S: Collection<Int>>(_ shape: S, operation: String) throws {
    // The span counts an empty axis as one position: an empty tensor
    // [0, 10¹⁵] has no elements, but every operation that walks its other
    // axes (printing, reductions, softmax along an axis) would take 10¹⁵ steps.
    var count = 1
    var span = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: max(size, 0))
      let (spanProduct, spanOverflow) = span.multipliedReportingOverflow(by: max(size, 1))
      if overflow || spanOverflow {
        throw ElementLimitExceeded(operation: operation, shape: Array(shape), count: nil, limit: maximumElements)
      }
      count = product
      span = spanProduct
    }
    if count > maximumElements {
      throw ElementLimitExceeded(operation: operation, shape: Array(shape), count: count, limit: maximumElements)
    }
    if span > maximumElements {
      throw ElementLimitExceeded(
        operation: operation, shape: Array(shape), count: count, limit: maximumElements, span: span)
    }
  }
}

/// A result that would have more elements than the context's limit; it was
/// refused before anything was allocated.
public struct ElementLimitExceeded: Error, Equatable, CustomStringConvertible, Sendable {
  /// The operation whose result was refused.
  public var operation: String
  /// The shape that was refused.
  public var shape: [Int]
  /// The number of elements, or nil when it does not even fit in an `Int`.
  public var count: Int?
  /// The most elements allowed.
  public var limit: Int
  /// For a tensor with an empty axis refused for its other axes: how many
  /// positions they span.
  public var span: Int? = nil

  /// What was refused and why, naming the shape and the limit.
  public var description: String {
    if let span {
      return
        "\(operation): shape \(Tensor.describe(shape)) is too large: it is empty, but its other axes span \(span) positions, more than the limit of \(limit)"
    }
    let size = count.map(String.init) ?? "too many"
    return "\(operation): shape \(Tensor.describe(shape)) has \(size) elements, more than the limit of \(limit)"
  }
}
