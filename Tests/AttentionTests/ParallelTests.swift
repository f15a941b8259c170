import Dispatch
import Foundation
import Testing

@testable import Attention

/// The worker pool (`ThreadPool.c` through `parallelPerform`): every index
/// runs exactly once, whoever runs it, also when sections nest or several
/// threads post sections at once. A lost index would leave its section
/// waiting: the time limit turns that into a failure.
@Suite(.timeLimit(.minutes(1))) struct ParallelTests {
  /// Calls of each index, counted under a lock.
  final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]
    init(_ count: Int) { counts = Array(repeating: 0, count: count) }
    func record(_ index: Int) { lock.withLock { counts[index] += 1 } }
    var all: [Int] { lock.withLock { counts } }
  }

  @Test(arguments: [0, 1, 2, 3, 17, 1000])
  func everyIndexRunsOnce(_ iterations: Int) {
    let counts = Counts(iterations)
    parallelPerform(iterations: iterations) { counts.record($0) }
    #expect(counts.all == Array(repeating: 1, count: iterations))
  }

  /// A section posted inside a task runs on that task's thread, to the end.
  @Test func nestedSectionsComplete() {
    let counts = Counts(8 * 5)
    parallelPerform(iterations: 8) { outer in
      parallelPerform(iterations: 5) { inner in counts.record(outer * 5 + inner) }
    }
    #expect(counts.all == Array(repeating: 1, count: 40))
  }

  /// Sections posted by several threads at once (one takes the pool, the
  /// others run on their callers) all complete, many times over.
  @Test func concurrentCallersAllComplete() {
    let (callers, rounds, iterations) = (4, 200, 9)
    let counts = Counts(callers * rounds * iterations)
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
      for round in 0..<rounds {
        parallelPerform(iterations: iterations) { index in
          counts.record((caller * rounds + round) * iterations + index)
        }
      }
    }
    #expect(counts.all == Array(repeating: 1, count: callers * rounds * iterations))
  }

  /// After the workers have gone to sleep (0.3 ms idle), a section still
  /// wakes them and completes.
  @Test func sectionsAfterIdleTimeComplete() {
    for _ in 0..<3 {
      Thread.sleep(forTimeInterval: 0.002)
      let counts = Counts(64)
      parallelPerform(iterations: 64) { counts.record($0) }
      #expect(counts.all == Array(repeating: 1, count: 64))
    }
  }
}
