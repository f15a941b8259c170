import Attention
import AttnLang
import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ctrl-C. The operating system delivers SIGINT to the whole process, so
/// this is the one place where a process-wide event meets the evaluation:
/// the handler requests ``stop``, the stop request the prompt's session
/// evaluates under (and the line editor polls). Batch commands and tests
/// make their own stop requests and are not touched by it.
enum Interrupts {
  /// Requested by Ctrl-C: stops a running evaluation, or cancels the line being typed.
  static let stop = StopRequest()

  /// Installs the handler: at the prompt Ctrl-C cancels the line; during
  /// evaluation it stops the computation at its next step with `interrupted`.
  static func install() {
    _ = stop  // initialize it here, never first inside the signal handler
    var action = sigaction()
    // The handler's field is named differently by glibc and Darwin.
    #if canImport(Darwin)
      action.__sigaction_u.__sa_handler = { _ in Interrupts.stop.request() }
    #else
      action.__sigaction_handler.sa_handler = { _ in Interrupts.stop.request() }
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    // A parent may have started us with SIGINT blocked (the mask is inherited).
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
  }

  /// Sources that hold SIGTERM and SIGHUP while attn runs.
  /// Unsafe to the compiler (dispatch sources are not Sendable); written
  /// once, on the main thread at start-up, and never read: it only keeps
  /// the sources alive.
  nonisolated(unsafe) static var endingSources: [DispatchSourceSignal] = []

  /// On SIGTERM or SIGHUP (a closed terminal, a killed job), removes every
  /// session's temporary directory, then ends with status 128 + the signal
  /// (the shell's convention for a process ended by one). The handler runs on
  /// a queue of its own, not inside the signal.
  static func removeTemporaryDirectoriesWhenEnded() { endCleanly(on: [SIGTERM, SIGHUP]) }

  /// For batch commands (no prompt to cancel a line at, no kernel to
  /// interrupt): Ctrl-C ends the process as SIGTERM does, after removing
  /// the temporary directories, with status 130.
  static func endOnInterrupt() { endCleanly(on: [SIGINT]) }

  /// What else to undo when an ending signal arrives (``whenEnded(_:)``).
  private static let endings = Mutex<[@Sendable () -> Void]>([])

  /// Adds `cleanup` to what an ending signal does before attn exits (run on
  /// the signal's queue, not inside the signal): `attn grade` stops its
  /// grading processes and removes the private copies.
  static func whenEnded(_ cleanup: @escaping @Sendable () -> Void) {
    endings.withLock { $0.append(cleanup) }
  }

  private static func endCleanly(on signals: [Int32]) {
    for signalNumber in signals {
      signal(signalNumber, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
      source.setEventHandler {
        for cleanup in endings.withLock({ $0 }) { cleanup() }
        Session.removeLiveTemporaryDirectories()
        _exit(128 + signalNumber)
      }
      source.resume()
      endingSources.append(source)
    }
  }
}
