import Attention
import AttnLang
import Foundation

// attn-bench: times each workload in attn and in NumPy (float64) in the same
// run, on the same machine, and prints the ratios. A benchmark, not a test:
// nothing here fails on a slow machine.
//
//     swift run -c release attn-bench

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let attnBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  .appendingPathComponent("attn")

struct Row {
  var workload: String
  var attn: Double
  var numpy: Double?
  var flops: Double?
}

var rows: [Row] = []
let numpy = NumPySide.run(script: root.appendingPathComponent("Benchmarks/numpy_side.py"))

/// Times `code` evaluated through the language, parse included, as the prompt would.
func statement(_ code: String, setup: String) throws -> Double {
  let session = Session()
  try session.execute(SourceFile(name: "setup", text: setup)) { _ in }
  let source = SourceFile(name: "bench", text: code)
  return try medianTime { try session.execute(source) { _ in } }
}

// Small statements through the DSL (lesson sizes).
let smallSetup =
  "q = randn(8, seed: 1)\nK = randn(16, 8, seed: 2)\nV = randn(16, 8, seed: 3)\nX = randn(16, 16, seed: 4)"
rows.append(
  Row(workload: "small attend", attn: try statement("attend(q, K, V)", setup: smallSetup), numpy: numpy["small attend"])
)
rows.append(
  Row(
    workload: "small selfattend", attn: try statement("selfattend(X)", setup: smallSetup),
    numpy: numpy["small selfattend"]))
rows.append(
  Row(
    workload: "small multihead", attn: try statement("multihead(X, heads: 2)", setup: smallSetup),
    numpy: numpy["small multihead"]))

// Large multi-head attention through the library.
for (n, d) in [(512, 256), (1024, 512)] {
  let x = try randn([n, d], seed: 1)
  let weights = try MultiHeadWeights.xavier(dModel: d, seed: 2)
  let seconds = try medianTime(budget: 2) { _ = try multiHeadAttention(x, x, heads: 8, weights: weights) }
  let flops = Double(4 * 2 * n * d * d + 2 * 2 * n * n * d)
  let name = "multihead n=\(n) d=\(d) h=8"
  rows.append(Row(workload: name, attn: seconds, numpy: numpy[name], flops: flops))
}

let a = try randn([1024, 1024], seed: 1)
rows.append(
  Row(
    workload: "matmul 1024", attn: try medianTime(budget: 2) { _ = try matmul(a, a) }, numpy: numpy["matmul 1024"],
    flops: 2 * pow(1024, 3)))

// Start-up: a fresh `attn` evaluating one line from a pipe.
rows.append(
  Row(
    workload: "startup: echo 1 into attn, python3 -c import numpy",
    attn: Processes.shellTime("echo 1 | '\(attnBinary.path)' > /dev/null"),
    numpy: Processes.shellTime("python3 -c 'import numpy'")))

// Every lesson through `attn test` (no NumPy counterpart).
rows.append(
  Row(
    workload: "attn test lessons",
    attn: Processes.shellTime(
      "'\(attnBinary.path)' test '\(root.appendingPathComponent("lessons").path)' > /dev/null", runs: 5),
    numpy: nil))

Report.print(rows, numpyVersion: numpy.version, idleMemory: Processes.idleResidentMemory(attnBinary))
