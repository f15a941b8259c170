import Foundation
import Testing

@testable import Attention

/// The execution context: element limits where results are made, stop
/// requests that reach worker threads, and no state shared between contexts.
@Suite struct ExecutionContextTests {
  @Test func resultsOverTheLimitAreRefusedWhereTheyAreMade() throws {
    let context = ExecutionContext(maximumElements: 1000)
    #expect(throws: ElementLimitExceeded(operation: "tensor", shape: [20, 100], count: 2000, limit: 1000)) {
      try context.run { try zeros([20, 100]) }
    }
    // A product whose operands are small but whose result is not.
    let column = try ones([20, 1])
    let row = try ones([1, 100])
    #expect(throws: ElementLimitExceeded.self) { try context.run { try matmul(column, row) } }
    #expect(throws: ElementLimitExceeded.self) { try context.run { try column + row } }
    #expect(throws: ElementLimitExceeded.self) {
      try context.run { try selfAttention(column, wq: row, wk: row, wv: row) }
    }
    #expect(throws: ElementLimitExceeded.self) { try context.run { try causalMask(40) } }
    #expect(throws: ElementLimitExceeded.self) { try context.run { try randn([2000], seed: 1) } }
    // Within the limit, and outside any context, the same calls succeed.
    #expect(try context.run { try matmul(column, try ones([1, 50])) }.shape == [20, 50])
    #expect(try matmul(column, row).shape == [20, 100])
  }

  @Test func theMessageNamesTheShapeAndNoFlag() {
    let error = ElementLimitExceeded(operation: "zeros", shape: [20, 100], count: 2000, limit: 1000)
    #expect(error.description == "zeros: shape [20, 100] has 2000 elements, more than the limit of 1000")
    let huge = ExecutionContext(maximumElements: 10)
    #expect(throws: ElementLimitExceeded(operation: "x", shape: [1 << 40, 1 << 40], count: nil, limit: 10)) {
      try huge.reserve([1 << 40, 1 << 40], operation: "x")
    }
  }

  @Test func contextsNest() throws {
    let outer = ExecutionContext(maximumElements: 100)
    let inner = ExecutionContext(maximumElements: 10)
    try outer.run {
      #expect(ExecutionContext.current.maximumElements == 100)
      inner.run { #expect(ExecutionContext.current.maximumElements == 10) }
      #expect(ExecutionContext.current.maximumElements == 100)
      _ = try zeros([50])
    }
    #expect(ExecutionContext.current.maximumElements == .max)
  }

  /// A stop requested from another thread ends a long product part way,
  /// on every worker thread, and leaves other contexts running.
  @Test func aStopFromAnotherThreadEndsALongProduct() throws {
    let a = try randn([1500, 1500], seed: 1)
    let stopped = ExecutionContext()
    let unaffected = ExecutionContext()
    // From a thread of its own: a busy shared queue could run the request only after the products.
    Thread {
      Thread.sleep(forTimeInterval: 0.02)
      stopped.stop.request()
    }.start()
    let start = Date()
    #expect(throws: ExecutionContext.Stopped.self) {
      try stopped.run {
        // Many products in a row: without the stop this takes seconds.
        for _ in 0..<50 { _ = try matmul(a, a) }
      }
    }
    #expect(Date().timeIntervalSince(start) < 5)
    #expect(!unaffected.stop.isRequested)
    let small = try randn([64, 64], seed: 2)
    #expect(try unaffected.run { try matmul(small, small) }.shape == [64, 64])
    // Once cleared, the same context runs again.
    stopped.stop.clear()
    #expect(try stopped.run { try matmul(small, small) }.shape == [64, 64])
  }
}
