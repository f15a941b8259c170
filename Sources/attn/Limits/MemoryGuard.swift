import Attention
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Stops evaluations when the process's resident memory passes a limit.
///
/// The element limit bounds each tensor, string and list, but not how many a
/// program keeps: `while true { l = append(l, zeros(1000)) }` would take the
/// machine's memory (and a grader with it). A thread reads the resident size
/// from `/proc/self/statm` every 10 ms and, above the limit, requests a
/// memory stop of every session it watches; their statements then fail (and
/// are undone, which frees what they built).
final class MemoryGuard: Sendable {
  /// The limit in bytes.
  let limit: Int
  /// The stop requests watched, and whether the polling thread runs.
  private let state = Mutex<(watched: [StopRequest], started: Bool)>(([], false))

  init(megabytes: Int) {
    limit = megabytes.multipliedReportingOverflow(by: 1 << 20).overflow ? .max : megabytes << 20
  }

  /// Watches `stop` from now on.
  func watch(_ stop: StopRequest) {
    let start = state.withLock { state in
      state.watched.append(stop)
      defer { state.started = true }
      return !state.started
    }
    guard start else { return }
    let thread = Thread { [self] in poll() }
    thread.name = "attn memory guard"
    thread.stackSize = 64 << 10
    thread.start()
  }

  private func poll() {
    while true {
      if let resident = MemoryGuard.residentBytes(), resident > limit {
        for stop in state.withLock({ $0.watched }) { stop.requestForMemory() }
      }
      usleep(10_000)
    }
  }

  /// The process's resident memory, from `/proc/self/statm` (nil where there is none).
  static func residentBytes() -> Int? {
    let file = open("/proc/self/statm", O_RDONLY)
    guard file >= 0 else { return nil }
    defer { close(file) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = read(file, &buffer, buffer.count)
    guard count > 0 else { return nil }
    let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// The default limit: three quarters of the machine's memory, at most 8 GiB.
  static var defaultMegabytes: Int {
    let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
    return max(256, min(8192, (physical / 4 * 3) >> 20))
  }
}
