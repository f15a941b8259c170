import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// Text data, progress loops and plots: what training at the prompt needs
/// besides the losses and optimizers (checked against PyTorch in
/// GradientLanguageTests).
@Suite struct TrainingLanguageTests {
  @Test func vocabularyEncodeAndDecode() throws {
    let session = Session()
    _ = try session.values("v = vocab(list(\"emma\", \"ava\", \"bo\"))")
    #expect(try session.value("v.chars") == .list(["a", "b", "e", "m", "o", "v"].map { .string($0) }))
    #expect(try session.value("v.bos") == .number(6))
    #expect(try session.value("v.size") == .number(7))
    #expect(try session.value("encode(v, \"emma\")") == .tensor(Tensor([2, 3, 3, 0])))
    #expect(try session.value("encode(v, \"bo\", bos: true)") == .tensor(Tensor([6, 1, 4, 6])))
    #expect(try session.value("decode(v, encode(v, \"ava\", bos: true))") == .string("ava"))
    #expect(session.errors("encode(v, \"zoe\")").map(\.message) == ["encode: 'z' is not in the vocabulary"])
    #expect(
      session.errors("decode(v, [7])").map(\.message) == ["decode: 7.0 is not an id of this vocabulary (0 to 6)"])
    #expect(session.errors("encode(3, \"a\")").map(\.message) == ["encode: v must be a vocabulary made by vocab(…)"])
    #expect(session.errors("vocab(list(1))").map(\.message) == ["vocab: texts must hold strings, got a number"])
  }

  /// shuffle is Fisher–Yates over SplitMix64: the same seed gives the same
  /// order (the order below is what Benchmarks/microgpt.py reproduces).
  @Test func shuffleIsSeeded() throws {
    let session = Session()
    let once = try session.value("shuffle(range(10), seed: 3)")
    #expect(try session.value("shuffle(range(10), seed: 3)") == once)
    #expect(try session.value("shuffle(range(10), seed: 4)") != once)
    guard case .list(let items) = once else {
      Issue.record("shuffle gives a list")
      return
    }
    #expect(Set(items.compactMap { $0.tensor?.scalars.first }) == Set((0..<10).map(Double.init)))
    // Fisher–Yates written out with the same generator.
    var generator = SplitMix64(seed: 3)
    var expected = Array(0..<10)
    for i in stride(from: 9, to: 0, by: -1) {
      expected.swapAt(i, min(i, Int(generator.nextUniform() * Double(i + 1))))
    }
    #expect(items == ValueList(expected.map { Value.number(Double($0)) }))
  }

  @Test func linesReadsATextFile() throws {
    let file = try makeTemporaryDirectory().appendingPathComponent("names.txt")
    try Data("emma\r\nolivia\n\nava\n".utf8).write(to: file)
    let session = Session()
    #expect(
      try session.value("lines(\"\(file.path)\")") == .list(["emma", "olivia", "", "ava"].map { .string($0) }))
    #expect(
      session.errors("lines(\"/nonexistent.txt\")").map(\.message) == [
        "lines: cannot read '/nonexistent.txt': no such file"
      ])
  }

  /// Records what a progress loop reports, and can press Ctrl-C at a step.
  final class Recorder: ProgressReporter {
    var events: [String] = []
    var stopAt: Int? = nil
    var stop: StopRequest? = nil

    func started(total: Int?, showing shown: String?) { events.append("start \(total ?? -1)") }
    func advanced(to step: Int, of total: Int?, showing value: Value?) {
      events.append("\(step): \(value.map { ValueFormatter(options: DisplayOptions().plain).format($0) } ?? "-")")
      if step == stopAt { stop?.request() }
    }
    func finished(steps: Int, of total: Int?, stopped: Bool) {
      events.append("end \(steps)\(stopped ? " stopped" : "")")
    }
  }

  @Test func progressReportsEachStepAndShowsAVariable() throws {
    let session = Session()
    let recorder = Recorder()
    session.progress = recorder
    _ = try session.values("loss = 10\nfor i in progress(range(3), show: \"loss\") { loss = loss / 2 }")
    #expect(recorder.events == ["start 3", "1: 5", "2: 2.5000", "3: 1.2500", "end 3"])
    // Without a reporter (pipes, files, lessons) it is a plain loop.
    #expect(try Session().value("t = 0\nfor i in progress(list(1, 2, 3)) { t += i }\nt") == .number(6))
    #expect(try session.value("len(progress(list(1, 2)))") == .number(2))
  }

  /// Ctrl-C ends a progress loop after the step in progress: the variables
  /// keep what the steps did, the statement succeeds, and the reporter is told.
  @Test func ctrlCEndsAProgressLoopKeepingTheSteps() throws {
    let session = Session()
    let recorder = Recorder()
    recorder.stopAt = 4
    recorder.stop = session.stop
    session.progress = recorder
    _ = try session.values("p = 0\nfor step in progress(range(1000)) { p += 1 }")
    #expect(try session.value("p") == .number(4))
    #expect(recorder.events.suffix(2) == ["4: -", "end 4 stopped"])
    #expect(!session.stop.isRequested, "the interruption was taken")
    // Inside a function the loop trains its own variables, which the function returns.
    recorder.events = []
    _ = try session.values("def train(n) {\n  w = 0\n  for s in progress(range(n)) { w += 2 }\n  return w\n}")
    #expect(try session.value("trained = train(100)\ntrained") == .number(8), "a function returns what was trained")
  }

  @Test func aDeadlineStillStopsAProgressLoop() {
    let session = Session()
    session.stop.requestForDeadline()
    final class Deadline: ProgressReporter {
      let stop: StopRequest
      init(_ stop: StopRequest) { self.stop = stop }
      func started(total: Int?, showing shown: String?) { stop.requestForDeadline() }
      func advanced(to step: Int, of total: Int?, showing value: Value?) {}
      func finished(steps: Int, of total: Int?, stopped: Bool) {}
    }
    session.progress = Deadline(session.stop)
    #expect(session.errors("for i in progress(range(10)) { }").map(\.message) == ["interrupted"])
  }

  @Test func progressMistakes() {
    #expect(
      Session().errors("for i in progress(range(3), every: 2) { }").map(\.message) == [
        "progress takes a sequence, show: \"name\" (the variable to show) and tokens: n (tokens per step), as in progress(range(100), show: \"loss\", tokens: 12 * 64)"
      ])
    #expect(
      Session().errors("for i in progress(range(3), tokens: \"x\") { }").map(\.message) == [
        "progress: tokens: must be a positive number (tokens per step)"
      ])
  }

  @Test func plotsDrawInBraille() throws {
    let session = Session()
    let text = ValueFormatter(options: DisplayOptions().plain).format(
      try session.value("plot(list(3, 1, 2), title: \"loss\")"))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "loss")
    #expect(lines.count == 1 + 10 + 2, "a title, ten rows of dots, the axis and its labels")
    #expect(lines[1].hasPrefix(" 3.0000 ┤"))
    #expect(lines[10].hasPrefix(" 1.0000 ┤"))
    #expect(lines.last?.hasSuffix("2") == true)
    // Dots only where the line passes: the first column starts at the top.
    #expect(lines[1].unicodeScalars.contains { $0.value > 0x2800 && $0.value <= 0x28FF })
    #expect(
      session.errors("plot(\"x\")").map(\.message) == [
        "plot: values must be a vector, a list of numbers or rows of series, got a string"
      ])
    let svg = FigureSVG.render(Figure(kind: .line, data: Tensor([3, 1, 2])))
    #expect(svg.contains("<polyline class=\"series\""))
  }

  @Test func sampleWithTemperature() throws {
    let session = Session()
    // A low temperature takes the most likely class almost always.
    let cold = try #require(try session.value("sample([0.2, 0.5, 0.3], n: 200, seed: 1, temperature: 0.05)").tensor)
    #expect(cold.scalars.filter { $0 == 1 }.count > 190)
    let warm = try #require(try session.value("sample([0.2, 0.5, 0.3], n: 200, seed: 1)").tensor)
    #expect(warm.scalars.filter { $0 == 1 }.count < 150)
    #expect(
      session.errors("sample([1], temperature: 0)").map(\.message) == [
        "sample: temperature must be a positive number, got 0.0"
      ])
  }

  @Test func optimizerMistakes() {
    let session = Session()
    func messages(_ code: String) -> [String] { session.errors(code).map(\.message) }
    #expect(
      messages("adam([1], decay: \"step\")") == [
        "adam: decay: must be \"constant\", \"linear\" or \"cosine\", got \"step\""
      ])
    #expect(
      messages("adam([1], decay: \"linear\")") == [
        "adam: decay: \"linear\" needs steps: (the step at which it ends)"
      ])
    #expect(messages("update(3, [1])") == ["update: opt must be an optimizer made by adam(…)"])
    #expect(
      messages("opt = adam({w: [1]})\nupdate(opt, {v: [1]})") == [
        "update: g has fields {v}, the parameters have {w}"
      ])
    #expect(messages("sgd({w: [1]}, {w: [1, 2]})") == ["sgd: a gradient of shape [2] for a parameter of shape [1]"])
    // A gradient pairs with its parameter by field name, whatever the order.
    #expect(
      (try? session.value("sgd({a: [1], b: [2]}, {b: [10], a: [100]}, lr: 0.1)"))
        == .record(Record([("a", .tensor(Tensor([-9]))), ("b", .tensor(Tensor([1])))])))
  }
}

/// The builtins of modern attention, through the language (their values are
/// checked against NumPy and PyTorch in the library's tests).
@Suite struct ModernAttentionLanguageTests {
  @Test func ropeAlibiWindowAndFlashattend() throws {
    let session = Session()
    #expect(try session.value("shape(rope(randn(3, 4, seed: 1)))") == .tensor(Tensor([3, 4])))
    #expect(try session.value("sum(abs(rope(eye(4))[0] - eye(4)[0]))") == .number(0), "position 0 is not rotated")
    #expect(try session.value("alibi(3, 2)[0, 2, 0]") == .number(-0.125))
    #expect(try session.value("window(3, 2)") == .tensor(try Tensor(rows: [[1, 0, 0], [1, 1, 0], [0, 1, 1]])))
    let flash = try session.value(
      "K = randn(9, 4, seed: 2)\nmax(abs(flashattend(randn(3, 4, seed: 3), K, K, block: 2, causal: true) - attend(randn(3, 4, seed: 3), K, K, causal: true).output))"
    )
    #expect((flash.tensor?.scalars.first ?? 1) < 1e-12)
    #expect(
      try session.value("shape(multihead(randn(5, 8, seed: 4), heads: 4, kvheads: 2).weights)")
        == .tensor(Tensor([4, 5, 5])))
    #expect(
      session.errors("multihead(randn(5, 8, seed: 4), heads: 4, kvheads: 3)").first?.message
        == "multihead: kvheads must divide heads: 4 heads, 3 key/value heads")
    // multihead(…).output takes the fused path (no weights made): the same numbers, the same errors.
    let fusedGap = try session.value(
      "Y = randn(100, 16, seed: 6)\na = multihead(Y, heads: 4, causal: true, bq: ones(16))\nmax(abs(multihead(Y, heads: 4, causal: true, bq: ones(16)).output - a.output))"
    )
    #expect((fusedGap.tensor?.scalars.first ?? 1) < 1e-12)
    #expect(session.errors("multihead(Y).output").first?.message.hasPrefix("multihead needs heads:") == true)
    #expect(
      session.errors("multihead(Y, heads: 3).output").first?.message
        == "multihead: 3 heads do not divide the model width: Q [100, 16], K [100, 16], V [100, 16]")
    // Biases: bo shifts every output row; a zero bq changes nothing; a wrong width is named.
    let shifted = try session.value(
      "X = randn(3, 4, seed: 5)\nmultihead(X, heads: 2, bo: [1, 2, 3, 4]).output - multihead(X, heads: 2).output")
    #expect(
      shifted.tensor.map { t in
        t.shape == [3, 4] && zip(t.scalars, [1.0, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]).allSatisfy { abs($0 - $1) < 1e-12 }
      } == true)
    #expect(try session.value("multihead(X, heads: 2, bq: zeros(4)) == multihead(X, heads: 2)") == .number(1))
    #expect(
      session.errors("multihead(X, heads: 2, bk: zeros(3))").first?.message
        == "multihead: bk must be a vector [4] to follow its projection, got [3]")
    #expect(session.errors("rope([1, 2, 3])").first?.message.contains("rope: x must be [n, d]") == true)
    #expect(
      session.errors("flashattend([1, 0], eye(2), eye(2), block: 0)").first?.message
        == "flashattend: block must be at least 1, got 0")
  }

  /// adamw decays matrices only; its options and clipgrad's limit are
  /// checked before anything runs, and every mistake names the argument.
  @Test func adamwScheduleAndClippingMistakes() throws {
    let session = Session()
    _ = try session.values("opt = adamw({W: [[1, 2]], b: [1, 2]}, lr: 0.1, weight_decay: 0.5)")
    // Zero gradients: only the decay moves the matrix, and the vector not at all.
    _ = try session.values("after = update(opt, {W: [[0, 0]], b: [0, 0]}).params")
    #expect(try session.value("after.W") == .tensor(try Tensor(rows: [[0.95, 1.9]])))
    #expect(try session.value("after.b") == .tensor(Tensor([1, 2])))
    // An Adam record has no decay, and older optimizer records without warmup still update.
    _ = try session.values(
      "old = {params: [1], m: [0], v: [0], t: 0, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: \"constant\", steps: 0}"
    )
    let moved = try #require(try session.value("update(old, [1]).params").tensor)
    #expect(moved.isApproximatelyEqual(to: Tensor([0.9]), tolerance: 1e-8), "\(moved.scalars)")
    func message(_ code: String) -> String? { session.errors(code).first?.message }
    #expect(
      message("adamw([1], decay: \"cosine\")") == "adamw: decay: \"cosine\" needs steps: (the step at which it ends)")
    #expect(
      message("adamw([1], decay: \"step\")")
        == "adamw: decay: must be \"constant\", \"linear\" or \"cosine\", got \"step\"")
    #expect(
      message("adam([1], decay: \"cosine\", steps: 10, warmup: 10)")
        == "adam: warmup: 10 must be shorter than steps: 10")
    #expect(message("adamw([1], warmup: -2)") == "adamw: warmup: must be 0 or more")
    #expect(message("adamw([1], weight_decay: -1)") == "adamw: weight_decay: must be 0 or more, got -1.0")
    #expect(message("clipgrad([1], 0)") == "clipgrad: max must be a positive number, got 0.0")
    #expect(
      message("clipgrad({a: \"x\"}, 1)")
        == "clipgrad: g must be a tensor, or records and lists of tensors; g.a is a string")
    #expect(message("schedule(opt, -1)") == "schedule: t must hold whole numbers of steps from 0, got -1.0")
    #expect(message("schedule(opt, 0.5)") == "schedule: t must hold whole numbers of steps from 0, got 0.5")
    #expect(message("schedule([1], 2)") == "schedule: opt must be an optimizer made by adam(…) or adamw(…)")
    #expect(try session.value("schedule(opt, [[0, 1]])") == .tensor(try Tensor(rows: [[0.1, 0.1]])), "keeps t's shape")
    // Hostile values: a huge step, NaN gradients — answers, not crashes.
    #expect(message("schedule(opt, 1e300)") == "schedule: t must hold whole numbers of steps from 0, got 1e+300")
    #expect(try session.value("clipgrad([0 / 0, 1], 1).norm").tensor?.scalars.first?.isNaN == true)
  }

  /// batch draws nanoGPT's windows: x and y one token apart, each start a
  /// SplitMix64 uniform over 0 ..< len − T, the same seed the same windows.
  @Test func batchDrawsWindowsAndTheirNextTokens() throws {
    let session = Session()
    _ = try session.values("data = arange(100) * 2\nb = batch(data, 4, 8, seed: 3)")
    let x = try #require(try session.value("b.x").tensor)
    let y = try #require(try session.value("b.y").tensor)
    #expect(x.shape == [4, 8] && y.shape == [4, 8])
    var generator = SplitMix64(seed: 3)
    for row in 0..<4 {
      let start = Int(generator.nextUniform() * 92)
      #expect(Array(x.scalars[row * 8..<row * 8 + 8]) == (start..<start + 8).map { Double($0 * 2) })
      #expect(Array(y.scalars[row * 8..<row * 8 + 8]) == (start + 1..<start + 9).map { Double($0 * 2) })
    }
    #expect(try session.value("batch(data, 4, 8, seed: 3).x") == .tensor(x))
    #expect(try session.value("batch(data, 4, 8, seed: 4).x") != .tensor(x))
    func message(_ code: String) -> String? { session.errors(code).first?.message }
    #expect(
      message("batch(data, 4, 100)")
        == "batch: windows of 100 tokens and their targets need more than 100 tokens, data has 100")
    #expect(message("batch(reshape(data, 10, 10), 2, 3)") == "batch: data must be a vector of token ids, got [10, 10]")
    #expect(message("batch(data, 0, 3)") == "batch: needs at least one window of at least one token, got 0 of 3")
    #expect(message("batch(data, 4, 8, seed: -1)") == "batch: seed: must be non-negative, got -1")
    #expect(message("batch(data, 100000000, 50)")?.hasPrefix("batch: ") == true, "refused before allocating")
  }

  /// dropout drops while a gradient is computed and nowhere else; its
  /// gradient goes through the same mask, scaled as torch's.
  @Test func dropoutOnlyWhileTraining() throws {
    let session = Session()
    _ = try session.values("x = randn(100, 100, seed: 1)\nw = randn(100, 100, seed: 2)")
    #expect(try session.value("dropout(x, 0.3, seed: 5)") == session.value("x"), "evaluation: the identity")
    let dropped = try #require(try session.value("dropout(x, 0.3, seed: 5, training: true)").tensor)
    let x = try #require(try session.value("x").tensor)
    var zeros = 0
    for (value, original) in zip(dropped.scalars, x.scalars) {
      if value == 0 { zeros += 1 } else { #expect(abs(value - original / 0.7) < 1e-12) }
    }
    #expect((2_700...3_300).contains(zeros), "about 30% of 10,000 dropped: \(zeros)")
    // Under grad "auto" drops, with the mask the same seed draws, and the gradient is mask / (1 − p).
    _ = try session.values(
      "g = grad(x -> sum(dropout(x, 0.3, seed: 5) * w), x)\nexpected = (dropout(x, 0.3, seed: 5, training: true) != 0) * w / 0.7"
    )
    let gradient = try #require(try session.value("g").tensor)
    #expect(gradient.isApproximatelyEqual(to: try #require(try session.value("expected").tensor), tolerance: 1e-12))
    #expect(try session.value("grad(x -> sum(dropout(x, 0.3, seed: 5, training: false) * w), x)") == session.value("w"))
    #expect(try session.value("sum(dropout(x, 1, seed: 2, training: true) != 0)") == .number(0), "p = 1 drops all")
    func message(_ code: String) -> String? { session.errors(code).first?.message }
    #expect(message("dropout(x, 1.5, seed: 1)") == "dropout: p must be in [0, 1], got 1.5")
    #expect(
      message("dropout(x, 0.1, seed: 1, training: \"yes\")") == "dropout: training: must be \"auto\", true or false")
    #expect(
      message("dropout(x, 0.1)")?.contains("seed") == true, "the seed is required: \(message("dropout(x, 0.1)") ?? "")")
  }

  @Test func readKeepsEveryCharacter() throws {
    let directory = try makeTemporaryDirectory()
    try Data("To be,\r\nor not\n".utf8).write(to: directory.appendingPathComponent("play.txt"))
    try Data([0xFF, 0xFE, 0x41]).write(to: directory.appendingPathComponent("binary.txt"))
    let session = Session()
    #expect(try session.value("readtext(\"\(directory.path)/play.txt\")") == .string("To be,\r\nor not\n"))
    #expect(
      session.errors("readtext(\"\(directory.path)/binary.txt\")").first?.message
        == "readtext: '\(directory.path)/binary.txt' is not UTF-8 text")
    #expect(
      session.errors("readtext(\"/nonexistent.txt\")").first?.message
        == "readtext: cannot read '/nonexistent.txt': no such file")
  }

  /// generate continues a context token by token from the model's last
  /// position: a model that always predicts "one more" counts; top_k 1 is
  /// greedy; block crops what the model sees; a batch continues each row.
  @Test func generateContinuesFromTheLastPosition() throws {
    let session = Session()
    // Logits favouring (last token + 1) mod 5, very strongly.
    _ = try session.values("def counter(t) = 50 * onehot((t + 1) % 5, 5)")
    #expect(try session.value("generate(counter, [0], 6, top_k: 1)") == .tensor(Tensor([0, 1, 2, 3, 4, 0, 1])))
    #expect(
      try session.value("generate(counter, [[3], [1]], 2, top_k: 1)")
        == .tensor(try Tensor(rows: [[3, 4, 0], [1, 2, 3]])), "every row continued")
    // block: the model sees at most the last 2 tokens. This one predicts how many it saw (mod 5).
    _ = try session.values("def length(t) = 50 * onehot(zeros(len(t)) + len(t) % 5, 5)")
    #expect(try session.value("generate(length, [0, 1, 2], 3, top_k: 1)") == .tensor(Tensor([0, 1, 2, 3, 4, 0])))
    #expect(
      try session.value("generate(length, [0, 1, 2], 3, block: 2, top_k: 1)") == .tensor(Tensor([0, 1, 2, 2, 2, 2])))
    #expect(
      session.errors("generate(t -> zeros(len(t), 5), [0], 1, block: 0)").first?.message
        == "generate: block must be at least 1, got 0")
    // Seeded draws: the same seed, the same text; a flat model visits every token.
    let flat = try #require(try session.value("generate(t -> zeros(len(t), 4), [0], 400, seed: 7)").tensor)
    #expect(try session.value("generate(t -> zeros(len(t), 4), [0], 400, seed: 7)") == .tensor(flat))
    #expect(Set(flat.scalars) == [0, 1, 2, 3])
    // top_k 2 of [0, 1, 2, 3] logits never draws 0 or 1.
    let top = try #require(
      try session.value("generate(t -> ones(len(t), 1) * [0, 1, 2, 3], [3], 200, top_k: 2, seed: 2)").tensor)
    #expect(Set(top.scalars.dropFirst()) == [2, 3])
    func message(_ code: String) -> String? { session.errors(code).first?.message }
    #expect(message("generate(t -> zeros(5), [0], 1)") == "generate: f must give logits [T, V] for ids [1], got [5]")
    #expect(message("generate(t -> \"x\", [0], 1)") == "generate: f must give logits [T, V] for ids [1], got a string")
    #expect(
      message("generate(counter, [0], 1, temperature: 0)") == "generate: temperature must be a positive number, got 0.0"
    )
    #expect(message("generate(counter, [0], 1, top_k: 0)") == "generate: top_k must be at least 1, got 0")
    #expect(
      message("generate(counter, zeros(0), 1)")
        == "generate: ids must be a context of at least one token, [T] or [B, T], got [0]")
    #expect(
      message("generate(t -> log(zeros(len(t), 3)), [0], 1)")
        == "generate: f gave logits that are all -inf: no token can follow")
    #expect(message("generate(counter, [0], -1)") == "generate: n must be 0 or more, got -1")
    #expect(
      message("generate(counter, zeros(0, 3), 2)")
        == "generate: ids must be a context of at least one token, [T] or [B, T], got [0, 3]")
  }
}
