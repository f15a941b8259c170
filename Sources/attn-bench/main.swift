import Attention
import AttnLang
import Dispatch
import Foundation
import _System

// attn-bench: times each workload in attn and in NumPy (float64) in the same
// run, on the same machine, and prints the ratios. A benchmark, not a test:
// nothing here fails on a slow machine.
//
//     swift run -c release attn-bench              every workload
//     swift run -c release attn-bench small loop   those whose names contain a word given
//
// With words given, NumPy is not run (to profile attn alone: perf record … attn-bench small).

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let attnBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("attn")
let selection = Array(CommandLine.arguments.dropFirst())

// The library runs here as in the attn executable, which asks malloc to keep
// freed large blocks for reuse (Sources/_System/Allocator.c).
attn_keep_freed_memory()
// As the attn executable does: ATTN_NO_AVX512=1 and ATTN_THREADS=N set the kernels.
ComputeSettings.configure(from: ProcessInfo.processInfo.environment)

struct Row {
  var workload: String
  var attn: Double
  /// The same workload in NumPy or PyTorch, and which.
  var reference: Double?
  var against: String
  var flops: Double?
}

/// Peak memory of the gradient of multi-head attention (n = 512, d = 256,
/// 8 heads) over that of the forward pass alone, each in a fresh `attn`
/// process, less what creating the input takes.
func gradientMemoryRatio() throws -> (forward: Double, gradient: Double) {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attn-bench-\(getpid())")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let setup = "X = randn(512, 256, seed: 1)\n"
  let programs = [
    "base": setup, "forward": setup + "m = multihead(X, heads: 8)\n",
    "gradient": setup + "g = grad(X -> sum(multihead(X, heads: 8).output), X)\n",
  ]
  var peaks: [String: Double] = [:]
  for (name, code) in programs {
    let file = directory.appendingPathComponent(name + ".attn")
    try code.write(to: file, atomically: true, encoding: .utf8)
    peaks[name] = Processes.peakMemory([attnBinary.path, "run", file.path])
  }
  let base = peaks["base"] ?? 0
  return ((peaks["forward"] ?? .nan) - base, (peaks["gradient"] ?? .nan) - base)
}

/// Peak memory of multi-head attention n = 4096, d = 256, 4 heads in a fresh
/// `attn` process, less what creating the input takes: the output alone
/// (the fused path), the output with its [4, 4096, 4096] weights, and the
/// gradient of the output alone (the fused backward).
func outputMemory() throws -> (output: Double, withWeights: Double, gradient: Double) {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attn-bench-out-\(getpid())")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let setup = "X = randn(4096, 256, seed: 1)\n"
  let programs = [
    "base": setup, "output": setup + "y = multihead(X, heads: 4).output\n",
    "weights": setup + "m = multihead(X, heads: 4)\n",
    "gradient": setup + "g = grad(X -> sum(multihead(X, heads: 4).output), X)\n",
  ]
  var peaks: [String: Double] = [:]
  for (name, code) in programs {
    let file = directory.appendingPathComponent(name + ".attn")
    try code.write(to: file, atomically: true, encoding: .utf8)
    // The weights have 67 million elements, above the default limit.
    peaks[name] = Processes.peakMemory([attnBinary.path, "run", "--max-elements", "100000000", file.path])
  }
  let base = peaks["base"] ?? 0
  return ((peaks["output"] ?? .nan) - base, (peaks["weights"] ?? .nan) - base, (peaks["gradient"] ?? .nan) - base)
}

// Measured first: once Foundation's Process has run a child, it reaps the
// children this measurement waits for itself.
let memory = selection.isEmpty || selection.contains("memory") ? try gradientMemoryRatio() : nil
let attentionMemory = selection.isEmpty || selection.contains("memory") ? try outputMemory() : nil

var rows: [Row] = []
// With words given, a reference library runs only when a word names it.
let numpy =
  selection.isEmpty || selection.contains(where: { $0.contains("NumPy") })
  ? PythonSide.run(script: root.appendingPathComponent("Benchmarks/numpy_side.py"), library: "NumPy") : PythonSide()
let torch =
  selection.isEmpty || selection.contains(where: { $0.contains("PyTorch") })
  ? PythonSide.run(script: root.appendingPathComponent("Benchmarks/torch_side.py"), library: "PyTorch") : PythonSide()

/// Times `measure` as workload `name` (when selected) beside NumPy's (or
/// PyTorch's) time for it.
@MainActor func workload(_ name: String, flops: Double? = nil, _ measure: () throws -> Double) rethrows {
  guard selection.isEmpty || selection.contains(where: { name.contains($0) }) else { return }
  let (reference, against) =
    torch[name].map { ($0, "PyTorch") } ?? (numpy[name], name.hasPrefix("scalar loop") ? "CPython" : "NumPy")
  rows.append(Row(workload: name, attn: try measure(), reference: reference, against: against, flops: flops))
}

/// Times `code` evaluated through the language, parse included, as the prompt would.
func statement(_ code: String, setup: String) throws -> Double {
  let session = Session()
  try session.execute(SourceFile(name: "setup", text: setup)) { _ in }
  let source = SourceFile(name: "bench", text: code)
  return try medianTime { try session.execute(source) { _ in } }
}

// Small statements through the language (lesson sizes).
let smallSetup =
  "q = randn(8, seed: 1)\nK = randn(16, 8, seed: 2)\nV = randn(16, 8, seed: 3)\nX = randn(16, 16, seed: 4)"
try workload("small ops 8x8") {
  try statement(
    "softmax(A @ B + C)", setup: "A = randn(8, 8, seed: 1)\nB = randn(8, 8, seed: 2)\nC = randn(8, 8, seed: 3)")
}
try workload("small ops 8x8 float32") {
  try statement(
    "softmax(A @ B + C)",
    setup: "A = randn(8, 8, seed: 1, dtype: \"float32\")\nB = randn(8, 8, seed: 2, dtype: \"float32\")\n"
      + "C = randn(8, 8, seed: 3, dtype: \"float32\")")
}
try workload("small attend") { try statement("attend(q, K, V)", setup: smallSetup) }
try workload("small attend float32") {
  try statement("attend(q, K, V)", setup: smallSetup + "\nq = float32(q)\nK = float32(K)\nV = float32(V)")
}
try workload("small selfattend") { try statement("selfattend(X)", setup: smallSetup) }
try workload("small multihead") { try statement("multihead(X, heads: 2)", setup: smallSetup) }

// The language: loops and functions (each statement parsed and compiled once per run).
try workload("scalar loop 100000") { try statement("s = 0\nfor i in range(100000) { s = s + i }", setup: "") }
try workload("user attention n=8 d=16 x10000") {
  try statement(
    "for i in range(10000) { o = attention(q, K, V) }",
    setup: """
      def attention(q, K, V) {
        w = softmax(dot(q, K) / sqrt(K.shape[-1]))
        return w @ V
      }
      q = randn(16, seed: 1)
      K = randn(8, 16, seed: 2)
      V = randn(8, 16, seed: 3)
      """)
}

// Large multi-head attention through the library.
for (n, d) in [(512, 256), (1024, 512)] {
  let flops = Double(4 * 2 * n * d * d + 2 * 2 * n * n * d)
  try workload("multihead n=\(n) d=\(d) h=8", flops: flops) {
    let x = try randn([n, d], seed: 1)
    let weights = try MultiHeadWeights.xavier(dModel: d, seed: 2)
    return try medianTime(budget: 2) { _ = try multiHeadAttention(x, x, heads: 8, weights: weights) }
  }
}

// The output alone (PyTorch's need_weights=False): the fused path, against
// NumPy (which computes the weights anyway) and PyTorch's fused attention.
for (n, d, heads) in [(1024, 512, 8), (4096, 256, 4)] {
  let flops = Double(4 * 2 * n * d * d + 2 * 2 * n * n * d)
  for against in ["", " vs PyTorch"] {
    try workload("multihead output n=\(n) d=\(d) h=\(heads)\(against)", flops: flops) {
      let x = try randn([n, d], seed: 1)
      let weights = try MultiHeadWeights.xavier(dModel: d, seed: 2)
      return try medianTime(budget: 2) { _ = try multiHeadAttentionOutput(x, x, heads: heads, weights: weights) }
    }
  }
}

// float32 through the language, as a student's float32 model runs it.
try workload(
  "multihead output n=4096 d=256 h=4 float32 vs PyTorch",
  flops: Double(4 * 2 * 4096 * 256 * 256 + 2 * 2 * 4096 * 4096 * 256)
) {
  try statement(
    "y = multihead(X, heads: 4, wq: W[0], wk: W[1], wv: W[2], wo: W[3]).output",
    setup: "X = randn(4096, 256, seed: 1, dtype: \"float32\")\n"
      + "W = map(i -> randn(256, 256, seed: 2 + i, std: 0.06, dtype: \"float32\"), range(4))")
}

// Gradients: multi-head attention forward and backward (all inputs and weights), against PyTorch.
for (n, d, heads) in [(512, 256, 8), (8, 16, 2)] {
  try workload("multihead backward n=\(n) d=\(d) h=\(heads)") {
    let x = try randn([n, d], seed: 1)
    let w = try MultiHeadWeights.xavier(dModel: d, seed: 2)
    return try medianTime(budget: n > 100 ? 3 : 1) {
      _ = try valueWithGradient(at: [x, w.wq, w.wk, w.wv, w.wo]) { p in
        try sum(
          try multiHeadAttentionOutput(
            p[0], p[0], heads: heads, weights: MultiHeadWeights(wq: p[1], wk: p[2], wv: p[3], wo: p[4])))
      }
    }
  }
}

// The fused backward: the gradient of the output alone at a length where the
// weights would take 537 MB, against PyTorch's scaled_dot_product_attention.
try workload("multihead output backward n=4096 d=256 h=4 vs PyTorch") {
  let x = try randn([4096, 256], seed: 1)
  let w = try MultiHeadWeights.xavier(dModel: 256, seed: 2)
  return try medianTime(budget: 4) {
    _ = try valueWithGradient(at: [x, w.wq, w.wk, w.wv, w.wo]) { p in
      try sum(
        try multiHeadAttentionOutput(
          p[0], p[0], heads: 4, weights: MultiHeadWeights(wq: p[1], wk: p[2], wv: p[3], wo: p[4])))
    }
  }
}

try workload("matmul 1024", flops: 2 * pow(1024, 3)) {
  let a = try randn([1024, 1024], seed: 1)
  return try medianTime(budget: 2) { _ = try matmul(a, a) }
}
try workload("matmul 1024 float32", flops: 2 * pow(1024, 3)) {
  let a = try randn([1024, 1024], seed: 1).converted(to: .float32)
  return try medianTime(budget: 2) { _ = try matmul(a, a) }
}

// The microgpt workload: 1000 training steps of a tiny GPT on names, the whole
// `attn run` (start-up, reading and shuffling the names included) against
// PyTorch eager's training loop alone (Benchmarks/microgpt.py), same data
// order and initial weights, so both must end at nearly the same loss.
var microgptLosses: [String] = []
if selection.isEmpty || selection.contains(where: { "microgpt".contains($0) }) {
  let script = root.appendingPathComponent("Benchmarks/microgpt.py").path
  let torchRuns = [0, 1].map { threads in
    Processes.output(["/usr/bin/env", "python3", script, "--threads", String(threads)], in: root.path)
  }
  for (threads, run) in zip(["default threads", "1 thread"], torchRuns) {
    let name = "microgpt 1000 steps vs PyTorch eager, \(threads)"
    var seconds: [Double] = []
    var loss = ""
    for _ in 0..<3 {
      let started = DispatchTime.now().uptimeNanoseconds
      loss =
        Processes.output([attnBinary.path, "run", "Benchmarks/microgpt.attn"], in: root.path)
        .split(separator: "\n").last.map(String.init) ?? "?"
      seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
    let reference = (try? JSONSerialization.jsonObject(with: Data(run.utf8)) as? [String: Any]) ?? [:]
    rows.append(
      Row(
        workload: name, attn: seconds.sorted()[1], reference: reference["seconds"] as? Double,
        against: "PyTorch", flops: nil))
    if threads == "default threads" {
      microgptLosses.append(
        "microgpt mean loss of the last 100 steps: attn \(loss), PyTorch "
          + ((reference["loss"] as? Double).map { String(format: "%.4f", $0) } ?? "not run"))
    }
  }
}

// Start-up: a fresh `attn` evaluating one line from a pipe.
workload("startup: echo 1 into attn, python3 -c import numpy") {
  Processes.shellTime("echo 1 | '\(attnBinary.path)' > /dev/null")
}
if let index = rows.firstIndex(where: { $0.workload.hasPrefix("startup") }), selection.isEmpty {
  rows[index].reference = Processes.shellTime("python3 -c 'import numpy'")
}

// Every lesson through `attn test` (no NumPy counterpart).
workload("attn test lessons") {
  Processes.shellTime("'\(attnBinary.path)' test '\(root.appendingPathComponent("lessons").path)' > /dev/null", runs: 5)
}

Report.print(
  rows, versions: numpy.versions.merging(torch.versions) { a, _ in a },
  idleMemory: selection.isEmpty ? Processes.idleResidentMemory(attnBinary) : nil)
for line in microgptLosses { print(line) }
if let (output, withWeights, gradient) = attentionMemory {
  print(
    String(
      format:
        "multihead n=4096 d=256 h=4 peak memory: output only %.1f MB, with weights %.1f MB, gradient of the output %.1f MB (the input X is 8.4 MB)",
      output, withWeights, gradient))
}
if let (forward, gradient) = memory {
  print(
    String(
      format: "multihead n=512 d=256 h=8 peak memory: forward %.1f MB, gradient %.1f MB (%.2f×)", forward, gradient,
      gradient / forward))
}
