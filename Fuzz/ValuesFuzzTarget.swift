// A libFuzzer target that generates *values*, not text: the input's bytes
// drive a generator over the builtin table, which writes a program calling
// builtins with arguments of every kind they take — tensors of awkward shapes
// (empty with long axes, scalars, nan and inf), values nested deep, records,
// lists, strings, functions — then combines, compares, prints, encodes and
// differentiates the results, and frees them. It runs in a fresh session
// with a small element limit, stopped after 200 ms. Any crash is a bug.
//
// Built and run by scripts/fuzz values (not part of the SwiftPM package).

import AttnLang
import Dispatch

/// Reads choices from the fuzzer's bytes (zeros once they run out).
struct Choices {
  let bytes: [UInt8]
  var position = 0

  mutating func byte() -> Int {
    defer { position += 1 }
    return position < bytes.count ? Int(bytes[position]) : 0
  }

  mutating func pick<T>(_ items: [T]) -> T { items[byte() % items.count] }
}

/// Names the prelude defines, by kind.
let tensors = ["E", "F", "G", "S", "M", "N", "V", "W", "I", "Z"]
let others = ["D", "R", "L", "T", "f"]
let prelude = """
  E = zeros(0, 20000)
  F = zeros(20000, 0)
  G = zeros(0)
  S = 3
  M = [[1, -2, 3], [nan, inf, -inf]]
  N = randn(4, 4, seed: 1)
  V = [1e308, -1e308, 5e-324]
  W = randn(2, 3, 4, seed: 2)
  I = [0, 1, 2, 1]
  Z = zeros(1, 0, 20000, 1)
  R = {w: N, b: [1, 2, 3, 4], inner: {x: V}}
  T = "the cat"
  f = x -> x
  """

func argument(_ kind: Parameter.Kind, _ choices: inout Choices) -> String {
  switch kind {
  case .tensor: return choices.pick(tensors + ["[1, 2, 3]", "2.5", "-1", "list(N, N)"])
  case .number: return choices.pick(["0", "1", "-1", "0.5", "1e308", "nan", "inf", "-inf", "1e-300"])
  case .integer: return choices.pick(["0", "1", "2", "-1", "3", "20000", "1e9", "-7"])
  case .flag: return choices.pick(["true", "false", "2"])
  case .string: return choices.pick(["T", "\"\"", "\"none\"", "\"linear\"", "\"a\\u{301}\"", "tempdir(\"x.npy\")"])
  case .labels: return choices.pick(["list(\"a\")", "list(\"a\", \"b\", \"c\", \"d\")", "list()"])
  case .function: return choices.pick(["f", "x -> sum(x)", "softmax", "(a, b) -> a @ b", "x -> x[0]"])
  case .list: return choices.pick(["L", "list()", "list(N, 1, \"t\")", "list(list(list()))"])
  case .any: return choices.pick(tensors + others)
  }
}

/// One call of a builtin chosen by the bytes, with arguments of its kinds.
func call(_ choices: inout Choices) -> String {
  let names = Builtins.publicNames.filter { !["lines", "load", "progress", "print", "help"].contains($0) }
  let name = choices.pick(names)
  guard let signature = Builtins.signature(of: name) else { return "0" }
  var arguments: [String] = []
  for parameter in signature.parameters {
    let include = parameter.isRequired || choices.byte() % 3 == 0
    guard include else { continue }
    var text = argument(parameter.kind, &choices)
    if parameter.isVariadic {
      text = (0..<(1 + choices.byte() % 3)).map { _ in argument(.integer, &choices) }.joined(separator: ", ")
    }
    arguments.append(parameter.isNamed ? "\(parameter.name): \(text)" : text)
  }
  return "\(name)(\(arguments.joined(separator: ", ")))"
}

/// A statement: a call kept in `r`, an operation on values, a comparison,
/// printing, a gradient, or a value nested deep and then dropped.
func statement(_ choices: inout Choices) -> String {
  switch choices.byte() % 9 {
  case 0, 1, 2: return "r = \(call(&choices))"
  case 3: return "\(choices.pick(tensors + others)) \(choices.pick(["+", "-", "*", "/", "@", "^", "==", "%"])) \(choices.pick(tensors + others + ["r"]))"
  case 4: return "str(\(choices.pick(tensors + others + ["r"])))"
  case 5: return "grad(x -> sum(\(choices.pick(["softmax", "exp", "layernorm", "relu", "tanh"]))(x) * x), \(choices.pick(tensors)))"
  case 6:
    let depth = choices.byte() << 6 | choices.byte()
    let wrap = choices.pick(["list(D)", "{a: D}", "list(D, N)", "append(list(N), D)"])
    return "D = list()\nfor i in range(\(depth)) { D = \(wrap) }\nD == D\nlen(str(D))\nD = 0"
  case 7: return "L = list(\(choices.pick(tensors)), \(choices.pick(others)), r)"
  default: return "\(choices.pick(tensors + others + ["r"]))[\(argument(.integer, &choices))]"
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  var choices = Choices(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
  var options = SessionOptions()
  options.maximumElements = 20_000
  options.files = .confined(to: [], base: "/nonexistent-attn-fuzz", hint: nil)
  let session = Session(options: options)
  // A stop request interrupts the statement running at 200 ms; the deadline
  // below ends the program there (each statement's run clears the request).
  let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
  DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [stop = session.stop] in stop.request() }
  var lines = [prelude, "D = list()", "r = 0", "L = list()"]
  while choices.position < choices.bytes.count { lines.append(statement(&choices)) }
  let formatter = ValueFormatter(options: options.display)
  // Each statement on its own: a failing one must not keep the rest from running.
  for line in lines {
    do {
      try session.execute(SourceFile(name: "values.attn", text: line)) { output in
        _ = formatter.format(output.value)
        _ = JSONEncoding.encode(output.value)
      }
    } catch {
      _ = DiagnosticRenderer(useColor: false).render(error)
    }
    if DispatchTime.now().uptimeNanoseconds > deadline { break }
  }
  return 0
}
