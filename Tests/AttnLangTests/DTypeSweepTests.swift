import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// Every builtin called with float32 and with bfloat16 tensors wherever it
/// takes a tensor, beside the same call on float64 tensors holding the same
/// values (the float64 results are checked against NumPy and PyTorch
/// elsewhere): whatever works in float64 works in the narrow types, gives
/// the same shapes, keeps the narrow type, and agrees to the type's precision.
@Suite struct DTypeSweepTests {
  /// Values exact in bfloat16, so the three runs start from the same numbers.
  static let prelude = """
    X = [[0.5, -1.25, 2, 0.75], [1.5, 0.25, -0.5, 1], [-2, 1.75, 0.5, -0.25], [0.125, -0.75, 1.25, 2.5]]
    """

  /// One call per builtin: `X` in every tensor-like parameter, plausible
  /// values elsewhere, named parameters left out (some fail in float64 too:
  /// they are skipped).
  static var generatedCalls: [String] {
    var calls: [String] = []
    for name in Builtins.publicNames {
      guard let signature = Builtins.signature(of: name) else { continue }
      var arguments: [String] = []
      for parameter in signature.parameters where !parameter.isNamed {
        switch parameter.kind {
        case .tensor, .any: arguments.append("X")
        case .number, .integer, .flag: arguments.append(parameter.isVariadic ? "2, 2" : "2")
        case .string: arguments.append("\"ab\"")
        case .labels: arguments.append("list(\"a\")")
        case .function: arguments.append("x -> x")
        case .list: arguments.append("list(X)")
        }
        if !parameter.isRequired && !parameter.isVariadic { break }
      }
      calls.append("\(name)(\(arguments.joined(separator: ", ")))")
    }
    return calls
  }

  /// Calls the generated form cannot write (a vector, a bias, heads, a
  /// gradient, an update): each must work in float64.
  static let writtenCalls = [
    "attend(X[0], X, X, mask: [1, 1, 0, 1])", "attend(X, X, X, bias: X)", "selfattend(X, causal: true)",
    "multihead(X, heads: 2)", "multihead(X, X[0:2], heads: 2, kvheads: 1)", "multihead(X, heads: 2, causal: true)",
    "flashattend(X, X, X, block: 2)", "linear(X, X, X[0])", "outer(X[0], X[1])", "reshape(X, 2, 8)",
    "crossentropy(X, [0, 3, 1, 2])", "dropout(X, 0.5, seed: 1, training: true)", "bars(X[0])",
    "softmax(X, axis: 0, temperature: 2)", "layernorm(X, weight: X[0], bias: X[1])",
    "grad(x -> sum(softmax(x) * x), X)", "valgrad(x -> sum(selfattend(x).output ^ 2), X)",
    "grad(w -> crossentropy(X @ w, [0, 3, 1, 2]), X)", "update(adam(X, lr: 0.1), X)",
    "update(adamw(X, lr: 0.1), X)", "update(adamw({w: X, b: X[0]}), {w: X, b: X[1]})",
  ]

  /// Builtins whose tensors do not take the type of their arguments:
  /// indices, shapes and masks, or made from sizes alone (as in PyTorch).
  static let keepFloat64: Set<String> = [
    "argmax", "arange", "alibi", "causal", "eye", "float64", "posenc", "shape", "window", "sample", "onehot",
  ]

  /// Every tensor in a value, records and lists walked.
  static func tensors(_ value: Value) -> [Tensor] {
    if let tensor = value.tensor { return [tensor] }
    if case .record(let record) = value { return record.fields.flatMap { tensors($0.value) } }
    if case .list(let items) = value { return items.flatMap(tensors) }
    return []
  }

  @Test(arguments: [DType.float32, .bfloat16])
  func everyBuiltinWorksInTheNarrowTypes(_ dtype: DType) throws {
    // float32 rounds each step at 6e-8 relative; bfloat16 rounds results at 4e-3.
    let tolerance = dtype == .float32 ? 1e-5 : 1e-2
    var checked = 0
    let written = Set(Self.writtenCalls)
    for call in Self.generatedCalls + Self.writtenCalls {
      let wide = Session()
      let narrow = Session()
      _ = try wide.values(Self.prelude)
      _ = try narrow.values(Self.prelude + "\nX = \(dtype.rawValue)(X)")
      let expected: Value
      do {
        expected = try wide.value(call)
      } catch {
        if written.contains(call) { Issue.record("\(call) fails in float64: \(error)") }
        continue
      }
      let value: Value
      do {
        value = try narrow.value(call)
      } catch {
        Issue.record("\(call) fails in \(dtype) where float64 works: \(error)")
        continue
      }
      let (wideTensors, narrowTensors) = (Self.tensors(expected), Self.tensors(value))
      guard wideTensors.count == narrowTensors.count else {
        Issue.record("\(call) gives \(narrowTensors.count) tensors in \(dtype), \(wideTensors.count) in float64")
        continue
      }
      let name = String(call.prefix { $0 != "(" })
      for (a, b) in zip(wideTensors, narrowTensors) {
        #expect(a.shape == b.shape, "\(call) in \(dtype)")
        guard a.shape == b.shape else { continue }
        if a.rank > 0 && a.dtype == .float64 && !Self.keepFloat64.contains(name) {
          #expect(b.dtype == dtype, "\(call) gives \(b.dtype) for \(dtype) arguments")
        }
        let worst =
          zip(a.scalars, b.converted(to: .float64).scalars).map { x, y -> Double in
            x == y || (x.isNaN && y.isNaN) ? 0 : abs(x - y) / max(1, abs(x))
          }.max() ?? 0
        #expect(worst <= tolerance, "\(call) in \(dtype) differs from float64 by \(worst)")
      }
      checked += 1
    }
    // The sweep reaches most builtins (the rest need files, vocabularies or text).
    #expect(checked >= 85, "only \(checked) calls ran in float64")
  }
}
