import Attention
import AttnLang
import Foundation

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

struct Row {
  var workload: String
  var attn: Double
  var numpy: Double?
  var flops: Double?
}

var rows: [Row] = []
let numpy =
  selection.isEmpty ? NumPySide.run(script: root.appendingPathComponent("Benchmarks/numpy_side.py")) : NumPySide()

/// Times `measure` as workload `name` (when selected) beside NumPy's time for it.
@MainActor func workload(_ name: String, flops: Double? = nil, _ measure: () throws -> Double) rethrows {
  guard selection.isEmpty || selection.contains(where: { name.contains($0) }) else { return }
  rows.append(Row(workload: name, attn: try measure(), numpy: numpy[name], flops: flops))
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
try workload("small attend") { try statement("attend(q, K, V)", setup: smallSetup) }
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

try workload("matmul 1024", flops: 2 * pow(1024, 3)) {
  let a = try randn([1024, 1024], seed: 1)
  return try medianTime(budget: 2) { _ = try matmul(a, a) }
}

// Start-up: a fresh `attn` evaluating one line from a pipe.
workload("startup: echo 1 into attn, python3 -c import numpy") {
  Processes.shellTime("echo 1 | '\(attnBinary.path)' > /dev/null")
}
if let index = rows.firstIndex(where: { $0.workload.hasPrefix("startup") }), selection.isEmpty {
  rows[index].numpy = Processes.shellTime("python3 -c 'import numpy'")
}

// Every lesson through `attn test` (no NumPy counterpart).
workload("attn test lessons") {
  Processes.shellTime("'\(attnBinary.path)' test '\(root.appendingPathComponent("lessons").path)' > /dev/null", runs: 5)
}

Report.print(
  rows, numpyVersion: numpy.version,
  idleMemory: selection.isEmpty ? Processes.idleResidentMemory(attnBinary) : nil)
