import Testing
import _TestSupport

@testable import Attention

/// Every schedule of attention against the reference (the composition of
/// differentiable steps): values, weights and — for the schedules recorded
/// for gradients — the gradients of the queries, keys and values, across
/// masks, causal, windows, biases, grouped heads and sizes that cut
/// through the tiles.
@Suite struct AttentionScheduleTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var n: Int
    var m: Int
    var dk: Int
    var dv: Int
    var heads = 1
    var kvHeads = 1
    var single = false
    var mask = false
    var window: Int? = nil
    var causal = false
    var bias = false
    var hard = false
    var scale: Double? = nil
    var testDescription: String {
      var text = "n=\(n) m=\(m) dk=\(dk) dv=\(dv) h=\(heads)/\(kvHeads)"
      for (flag, name) in [(single, "one query"), (mask, "mask"), (causal, "causal"), (bias, "bias"), (hard, "hard")]
      where flag { text += " " + name }
      if let window { text += " window \(window)" }
      if let scale { text += " scale \(scale)" }
      return text
    }
  }

  static let cases: [Case] = [
    Case(n: 1, m: 1, dk: 1, dv: 1),
    Case(n: 1, m: 7, dk: 3, dv: 2, single: true, mask: true),
    Case(n: 5, m: 6, dk: 4, dv: 3, mask: true, scale: 0.7),
    Case(n: 5, m: 6, dk: 4, dv: 4, causal: true, hard: true, scale: 0.7),
    Case(n: 9, m: 9, dk: 4, dv: 4, heads: 3, kvHeads: 3, causal: true),
    Case(n: 9, m: 9, dk: 2, dv: 3, heads: 4, kvHeads: 2, window: 3),
    Case(n: 12, m: 12, dk: 4, dv: 4, heads: 2, kvHeads: 2, causal: true, bias: true),
    Case(n: 6, m: 10, dk: 3, dv: 5, heads: 2, kvHeads: 1, mask: true, bias: true),
    Case(n: 150, m: 300, dk: 8, dv: 6, heads: 2, kvHeads: 2, mask: true),
    // Past the small schedule's 4 096 multiplies: one head row by row, one query, and hard.
    Case(n: 40, m: 50, dk: 8, dv: 6, mask: true, scale: 0.5),
    Case(n: 1, m: 700, dk: 8, dv: 3, single: true, causal: false),
    Case(n: 30, m: 30, dk: 8, dv: 8, causal: true, hard: true),
    Case(n: 200, m: 200, dk: 16, dv: 16, heads: 4, kvHeads: 2, causal: true),
    Case(n: 260, m: 260, dk: 8, dv: 8, heads: 8, kvHeads: 1, window: 40),
    Case(n: 129, m: 257, dk: 5, dv: 7, heads: 1, kvHeads: 1, causal: true, scale: 0.3),
  ]

  static func problem(_ c: Case, recorded: [Tensor]? = nil) throws -> AttentionProblem {
    let inputs = try recorded ?? inputs(c)
    var mask: Tensor? = nil
    if c.mask { mask = try randn([c.n, c.m], seed: 7).map { $0 > -0.3 ? 1 : 0 } }
    if let window = c.window { mask = try slidingWindowMask(c.n, window: window) }
    let bias = c.bias ? try randn([c.heads, c.n, c.m], seed: 8) : nil
    return try AttentionProblem(
      queries: inputs[0], keys: inputs[1], values: inputs[2], heads: c.heads, kvHeads: c.kvHeads, scale: c.scale,
      mask: mask, causal: c.causal, bias: c.heads == 1 ? try bias?.reshaped([c.n, c.m]) : bias, hard: c.hard,
      operation: "test")
  }

  static func inputs(_ c: Case) throws -> [Tensor] {
    [
      try randn(c.single ? [c.dk] : [c.n, c.heads * c.dk], seed: 1),
      try randn([c.m, c.kvHeads * c.dk], seed: 2),
      try randn([c.m, c.kvHeads * c.dv], seed: 3),
    ]
  }

  @Test(arguments: cases)
  func everyScheduleGivesTheReference(_ c: Case) throws {
    let problem = try Self.problem(c)
    let reference = try problem.solve(weights: true, by: .reference)
    var checked = 0
    for schedule in AttentionSchedule.allCases where schedule != .reference {
      for weights in [true, false] where problem.supports(schedule, weights: weights, gradient: false) {
        let solved = try problem.solve(weights: weights, by: schedule)
        #expect(solved.output.isApproximatelyEqual(to: reference.output, tolerance: 1e-12), "\(schedule)")
        if weights, let given = solved.weights, let expected = reference.weights {
          #expect(given.isApproximatelyEqual(to: expected, tolerance: 1e-12), "\(schedule) weights")
        }
        // Scores, where a schedule keeps them: blocked positions −inf in both.
        if let given = solved.scores, let expected = reference.scores {
          #expect(given.shape == expected.shape, "\(schedule) scores")
          #expect(
            zip(given.scalars, expected.scalars).allSatisfy { $0 == $1 || abs($0 - $1) < 1e-12 }, "\(schedule) scores")
        }
        checked += 1
      }
    }
    // Only the reference takes a bias or hard attention; every other case has a faster schedule.
    #expect(checked > 0 || c.bias || c.hard)
  }

  @Test(arguments: cases)
  func everyRecordedScheduleGivesTheReferenceGradient(_ c: Case) throws {
    let weightsOfOutput = try randn(c.single ? [c.heads * c.dv] : [c.n, c.heads * c.dv], seed: 9)
    func gradients(_ schedule: AttentionSchedule) throws -> [Tensor] {
      try valueWithGradient(at: try Self.inputs(c)) { inputs in
        let problem = try Self.problem(c, recorded: inputs)
        #expect(problem.supports(schedule, weights: false, gradient: true))
        return try sum(try problem.solve(weights: false, by: schedule).output * weightsOfOutput)
      }.gradients
    }
    let expected = try gradients(.reference)
    let problem = try Self.problem(c)
    for schedule in AttentionSchedule.allCases
    where schedule != .reference && problem.supports(schedule, weights: false, gradient: true) {
      for (given, wanted) in zip(try gradients(schedule), expected) {
        #expect(given.isApproximatelyEqual(to: wanted, tolerance: 1e-11), "\(schedule)")
      }
    }
  }

  /// float32 problems, solved as the dispatcher solves them — lesson sizes
  /// in place in float32 (masks, windows, grouped heads, one query), the
  /// float32 kernel for the output alone where it applies (a custom scale,
  /// grouped heads, causal), the reference steps in float32 otherwise
  /// (biases, the weights of large problems) — agree with float64's
  /// reference to float32 precision and stay float32: outputs, weights,
  /// scores, and gradients. (Hard attention is left out: a near tie may
  /// fall the other way.)
  @Test(arguments: cases.filter { !$0.hard })
  func float32ProblemsAgreeWithFloat64(_ c: Case) throws {
    func close(_ given: Tensor, _ expected: Tensor) -> Bool {
      let scale = max(expected.scalars.map(\.magnitude).filter(\.isFinite).max() ?? 1, 1)
      return given.dtype == .float32 && given.shape == expected.shape
        && zip(given.scalars, expected.scalars).allSatisfy {
          $0 == $1 || abs($0 - $1) <= 64 * Double(Float.ulpOfOne) * scale
        }
    }
    let reference = try Self.problem(c).solve(weights: true, by: .reference)
    let inputs = try Self.inputs(c).map { $0.converted(to: .float32) }
    let single = try Self.problem(c, recorded: inputs)
    for weights in [false, true] {
      let solved = try single.solve(weights: weights)
      #expect(close(solved.output, reference.output), "output, weights: \(weights)")
      if weights, let given = solved.weights, let expected = reference.weights {
        #expect(close(given, expected), "weights")
      }
      if weights, let given = solved.scores, let expected = reference.scores {
        // Blocked scores are −inf in both.
        #expect(close(given, expected), "scores")
      }
    }
    let weightsOfOutput = try randn(c.single ? [c.heads * c.dv] : [c.n, c.heads * c.dv], seed: 9)
    func gradients(_ inputs: [Tensor]) throws -> [Tensor] {
      try valueWithGradient(at: inputs) { inputs in
        try sum(try Self.problem(c, recorded: inputs).solve(weights: false).output * weightsOfOutput)
      }.gradients
    }
    for (given, expected) in zip(try gradients(inputs), try gradients(try Self.inputs(c))) {
      #expect(close(given, expected), "gradient")
    }
  }

  /// The dispatcher picks the tiled schedule for the output alone, under a
  /// gradient too, and the reference for what only it computes.
  @Test func theDispatcherPicksTheFastestThatFits() throws {
    let plain = try Self.problem(Case(n: 9, m: 9, dk: 4, dv: 4, heads: 3, kvHeads: 3, causal: true))
    #expect(plain.schedule(weights: false) == .tiled)
    #expect(plain.schedule(weights: true) == .heads)
    #expect(try Self.problem(Case(n: 5, m: 6, dk: 4, dv: 3)).schedule(weights: true) == .rows)
    #expect(try Self.problem(Case(n: 5, m: 6, dk: 4, dv: 3, bias: true)).schedule(weights: false) == .reference)
    _ = try valueWithGradient(at: try Self.inputs(Case(n: 5, m: 6, dk: 4, dv: 3))) { inputs in
      let problem = try Self.problem(Case(n: 5, m: 6, dk: 4, dv: 3), recorded: inputs)
      #expect(problem.schedule(weights: true) == .reference)
      #expect(problem.schedule(weights: false) == .tiled)
      return try sum(problem.solve(weights: false).output)
    }
  }
}
