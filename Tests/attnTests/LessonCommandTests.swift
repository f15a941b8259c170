import Foundation
import Testing
import _TestSupport

@Suite struct LessonCommandTests {
  let environment = ["ATTN_LESSONS": AttnProcess.packageRoot.appendingPathComponent("lessons").path]

  @Test func listsEveryLessonWithItsSummary() throws {
    let result = try AttnProcess.run(["lesson"], environment: environment)
    #expect(result.status == 0)
    #expect(result.stdout.contains("  1  Softmax: from scores to probabilities"))
    #expect(result.stdout.contains(" 11  The Transformer block"))
    #expect(result.stdout.contains("Start one with attn lesson NUMBER"))
  }

  @Test func withoutATerminalPrintsTheLessonWithFreshOutputs() throws {
    let result = try AttnProcess.run(["lesson", "softmax"], environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("# 1. Softmax: from scores to probabilities"))
    #expect(result.stdout.contains("attn> p\n[0.6590, 0.2424, 0.0986]\n"))
  }

  @Test func unknownLessonIsAUsageError() throws {
    let result = try AttnProcess.run(["lesson", "quantum"], environment: environment)
    #expect(result.status == 2)
    #expect(result.stderr.contains("no lesson 'quantum'"))
  }
}
