/// An elementwise operation on two tensors, with NumPy broadcasting.
public enum BinaryOperation: String, CaseIterable, Sendable {
  /// `a + b`.
  case add = "+"
  /// `a − b`.
  case subtract = "-"
  /// `a · b`.
  case multiply = "*"
  /// `a / b` (IEEE: x/0 = ±inf).
  case divide = "/"
  /// The remainder of floored division, with the divisor's sign (NumPy's `%`, Python's).
  case remainder = "%"
  /// `a` raised to the power `b`, as C's `pow`.
  case power = "^"
  /// 1 where `a < b`, else 0.
  case less = "<"
  /// 1 where `a ≤ b`, else 0.
  case lessOrEqual = "<="
  /// 1 where `a > b`, else 0.
  case greater = ">"
  /// 1 where `a ≥ b`, else 0.
  case greaterOrEqual = ">="
  /// 1 where `a == b`, else 0.
  case equal = "=="
  /// 1 where `a != b` (and wherever either is NaN), else 0.
  case notEqual = "!="

  /// The scalar function applied to each pair of elements. Comparisons give
  /// 1 for true and 0 for false; any comparison with NaN is false except `!=`.
  public var function: @Sendable (Double, Double) -> Double {
    switch self {
    case .add: return { $0 + $1 }
    case .subtract: return { $0 - $1 }
    case .multiply: return { $0 * $1 }
    case .divide: return { $0 / $1 }
    case .remainder: return { floorRemainder($0, $1) }
    case .power: return { cPow($0, $1) }
    case .less: return { $0 < $1 ? 1 : 0 }
    case .lessOrEqual: return { $0 <= $1 ? 1 : 0 }
    case .greater: return { $0 > $1 ? 1 : 0 }
    case .greaterOrEqual: return { $0 >= $1 ? 1 : 0 }
    case .equal: return { $0 == $1 ? 1 : 0 }
    case .notEqual: return { $0 != $1 ? 1 : 0 }
    }
  }
}

/// Applies `operation` elementwise: `result[i] = a[i] ∘ b[i]` after both are
/// broadcast to their common shape (NumPy's rules).
///
/// Gradients (reduced back over broadcast axes, as PyTorch does):
/// `+` and `-` pass the gradient on (negated for `b` of `-`); `*` gives
/// `g·b` and `g·a`; `/` gives `g/b` and `−g·a/b²`; `%` gives `g` and
/// `−g·⌊a/b⌋`; `^` gives `g·b·a^(b−1)` (0 where `b = 0`) and `g·aᵇ·log a`
/// (0 where `a = 0` and `b ≥ 0`). Comparisons give 0/1 and pass no gradient.
///
/// - Throws: ``TensorError`` when the shapes cannot be broadcast together.
public func elementwise(_ a: Tensor, _ operation: BinaryOperation, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShape(a.shape, b.shape, operation: operation.rawValue)
  if shape != a.shape && shape != b.shape { try ExecutionContext.current.reserve(shape, operation: operation.rawValue) }
  let result = Tensor.combine(a, b, shape: shape, operation)
  guard let tape = Tape.recording(a, b), operation.isDifferentiable else { return result }
  return tape.record(result, operation.rawValue, inputs: [a, b]) { gradient, gradients in
    func give(_ part: Tensor, to input: Tensor) throws {
      gradients.add(try part.summed(toShape: input.shape), to: input)
    }
    switch operation {
    case .add:
      if gradients.needs(a) { try give(gradient, to: a) }
      if gradients.needs(b) { try give(gradient, to: b) }
    case .subtract:
      if gradients.needs(a) { try give(gradient, to: a) }
      if gradients.needs(b) { try give(-gradient, to: b) }
    case .multiply:
      if gradients.needs(a) { try give(try gradient * b, to: a) }
      if gradients.needs(b) { try give(try gradient * a, to: b) }
    case .divide:
      if gradients.needs(a) { try give(try gradient / b, to: a) }
      if gradients.needs(b) { try give(try -gradient * a / (b * b), to: b) }
    case .remainder:
      if gradients.needs(a) { try give(gradient, to: a) }
      if gradients.needs(b) {
        let quotient = Tensor.combine(a, b, shape: shape) { ($0 / $1).rounded(.down) }
        try give(try -gradient * quotient, to: b)
      }
    case .power:
      if gradients.needs(a) {
        let slope = Tensor.combine(a, b, shape: shape) { x, y in y == 0 ? 0 : y * cPow(x, y - 1) }
        try give(try gradient * slope, to: a)
      }
      if gradients.needs(b) {
        let slope = Tensor.combine(a, b, shape: shape) { x, y in x == 0 && y >= 0 ? 0 : cPow(x, y) * cLog(x) }
        try give(try gradient * slope, to: b)
      }
    case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual:
      break
    }
  }
}

extension Tensor {
  /// `combine` with the operation's scalar function written out for each
  /// case, so the compiler inlines it into the loop (a closure chosen at run
  /// time costs an indirect call per element).
  static func combine(_ a: Tensor, _ b: Tensor, shape: Shape, _ operation: BinaryOperation) -> Tensor {
    if a.dtype != .float64 || b.dtype != .float64, DType.promoted(a, b) != .float64 {
      switch operation {
      case .add: return combineFloats(a, b, shape: shape) { $0 + $1 }
      case .subtract: return combineFloats(a, b, shape: shape) { $0 - $1 }
      case .multiply: return combineFloats(a, b, shape: shape) { $0 * $1 }
      case .divide: return combineFloats(a, b, shape: shape) { $0 / $1 }
      default: break
      }
    }
    switch operation {
    case .add: return combine(a, b, shape: shape) { $0 + $1 }
    case .subtract: return combine(a, b, shape: shape) { $0 - $1 }
    case .multiply: return combine(a, b, shape: shape) { $0 * $1 }
    case .divide: return combine(a, b, shape: shape) { $0 / $1 }
    default: return combine(a, b, shape: shape, operation.function)
    }
  }
}

extension BinaryOperation {
  /// Whether a gradient flows through the operation (comparisons give 0/1 and stop it).
  var isDifferentiable: Bool {
    switch self {
    case .add, .subtract, .multiply, .divide, .remainder, .power: return true
    case .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .notEqual: return false
    }
  }
}

/// The arithmetic operators throw, unlike MLX Swift's (which stop the
/// program on a shape mismatch): attn evaluates what students type and what
/// files from others hold, where two shapes that do not broadcast are an
/// everyday mistake to report — `'+': shapes [3] and [2] cannot be broadcast
/// together` — not a crash. In Swift, write `try a + b`; `try` covers a whole
/// expression: `let y = try (a + b) * c / d`.
extension Tensor {
  /// Elementwise sum with broadcasting: `(a + b)[i] = a[i] + b[i]`.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .add, b) }
  /// Elementwise difference with broadcasting: `(a - b)[i] = a[i] - b[i]`.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .subtract, b) }
  /// Elementwise product with broadcasting: `(a * b)[i] = a[i] · b[i]`.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .multiply, b) }
  /// Elementwise quotient with broadcasting: `(a / b)[i] = a[i] / b[i]` (IEEE: x/0 = ±inf).
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .divide, b) }
  /// Elementwise negation: `(-a)[i] = -a[i]`; its gradient is `−g`.
  public static prefix func - (a: Tensor) -> Tensor {
    unaryOperation(a, name: "negate", { -$0 }) { gradient, _, _ in -gradient }
  }

  /// Applies `transform` to every element, keeping the shape and the type
  /// (computed in `Double`, rounded back for float32 and bfloat16). Not
  /// differentiated: the result is a constant for gradients.
  public func map(_ transform: (Double) -> Double) -> Tensor {
    let result = Tensor(unchecked: shape, scalars.map(transform))
    return dtype == .float64 ? result : result.converted(to: dtype)
  }
}

/// An elementwise function of one tensor, recorded for gradients with
/// `derivative(g, x, y)` giving the gradient of `x` from the gradient `g` of `y = f(x)`.
func unaryOperation(
  _ x: Tensor, name: String, _ function: (Double) -> Double,
  derivative: @escaping @Sendable (_ gradient: Tensor, _ input: Tensor, _ output: Tensor) throws -> Tensor
) -> Tensor {
  let result = x.map(function)
  guard let tape = Tape.recording(x) else { return result }
  let (input, output) = (x.untracked, result)
  return tape.record(result, name, inputs: [x]) { gradient, gradients in
    gradients.add(try derivative(gradient, input, output), to: x)
  }
}

/// The gradient `g · f'` for an elementwise `f` whose derivative `f'(x, y)`
/// is known from the input `x` and output `y`.
func scaled(_ gradient: Tensor, _ input: Tensor, _ output: Tensor, by derivative: (Double, Double) -> Double) -> Tensor
{
  var result = gradient.untracked
  input.scalars.withUnsafeBufferPointer { x in
    output.scalars.withUnsafeBufferPointer { y in
      result.scalars.withUnsafeMutableBufferPointer { g in
        for i in g.indices { g[i] *= derivative(x[i], y[i]) }
      }
    }
  }
  return result
}

/// `a^b` elementwise with broadcasting, as C's `pow`: `pow(-8, 1/3)` is NaN.
public func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor { try elementwise(a, .power, b) }

/// The exponential `eˣ` of each element; gradient `g · eˣ`.
public func exp(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "exp", cExp) { g, x, y in scaled(g, x, y) { _, y in y } }
}

/// The natural logarithm of each element (log 0 = −inf); gradient `g / x`.
public func log(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "log", cLog) { g, x, y in scaled(g, x, y) { x, _ in 1 / x } }
}

/// The square root of each element; gradient `g / (2√x)` (inf at 0, as PyTorch).
public func sqrt(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "sqrt", { $0.squareRoot() }) { g, x, y in scaled(g, x, y) { _, y in 0.5 / y } }
}

/// The largest whole number at most each element (`np.floor`); gradient 0,
/// as PyTorch's.
public func floor(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "floor", { $0.rounded(.down) }) { g, _, _ in g.untracked.map { _ in 0 } }
}

/// The smallest whole number at least each element (`np.ceil`); gradient 0.
public func ceil(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "ceil", { $0.rounded(.up) }) { g, _, _ in g.untracked.map { _ in 0 } }
}

/// Each element rounded to the nearest whole number, halves to the even one
/// (`np.round`, `torch.round`: 0.5 → 0, 1.5 → 2); gradient 0.
public func round(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "round", { $0.rounded(.toNearestOrEven) }) { g, _, _ in g.untracked.map { _ in 0 } }
}

/// `|x|` of each element; gradient `g · sign(x)`, 0 at `x = 0` (PyTorch's
/// choice). Named as NumPy's `absolute`, so that the standard library's
/// `abs` stays unshadowed.
public func absolute(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "abs", { abs($0) }) { g, x, y in
    scaled(g, x, y) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }
  }
}

/// The hyperbolic tangent of each element; gradient `g · (1 − tanh²x)`.
public func tanh(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "tanh", cTanh) { g, x, y in scaled(g, x, y) { _, y in 1 - y * y } }
}

/// The sine of each element (radians); gradient `g · cos x`.
public func sin(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "sin", cSin) { g, x, y in scaled(g, x, y) { x, _ in cCos(x) } }
}

/// The cosine of each element (radians); gradient `−g · sin x`.
public func cos(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "cos", cCos) { g, x, y in scaled(g, x, y) { x, _ in -cSin(x) } }
}

/// `max(0, x)` of each element (NaN stays NaN); gradient `g` where `x > 0`,
/// else 0 — also at `x = 0` (PyTorch's choice).
public func relu(_ x: Tensor) -> Tensor {
  unaryOperation(x, name: "relu", { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) }) { g, x, y in
    scaled(g, x, y) { x, _ in x > 0 ? 1 : 0 }
  }
}

/// The logistic sigmoid `1 / (1 + e⁻ˣ)` of each element, computed without
/// overflow; gradient `g · σ(x) (1 − σ(x))`.
public func sigmoid(_ x: Tensor) -> Tensor {
  unaryOperation(
    x, name: "sigmoid",
    { value in
      if value >= 0 { return 1 / (1 + cExp(-value)) }
      let e = cExp(value)
      return e / (1 + e)
    }
  ) { g, x, y in scaled(g, x, y) { _, y in y * (1 - y) } }
}

/// The Gaussian error linear unit `x · Φ(x) = ½ x (1 + erf(x/√2))` of each
/// element (Hendrycks & Gimpel, 2016; PyTorch's exact `F.gelu`); gradient
/// `g · (Φ(x) + x φ(x))` with φ the standard normal density.
public func gelu(_ x: Tensor) -> Tensor {
  if x.dtype != .float64 { return singleGelu(x) }
  // Φ(x) is kept for the backward, which then needs one exp per element and no
  // second erf; both passes run in parallel chunks (erf is most of the cost).
  let count = x.count
  var cdf = TensorBuffer<Double>(repeating: 0, count: count)
  var values = TensorBuffer<Double>(repeating: 0, count: count)
  x.scalars.withUnsafeBufferPointer { input in
    cdf.withUnsafeMutableBufferPointer { phi in
      values.withUnsafeMutableBufferPointer { output in
        guard let input = input.baseAddress, let phi = phi.baseAddress, let output = output.baseAddress else { return }
        let (source, cdfOut, result) = (
          ConstantBuffer(base: input), SharedBuffer(base: phi), SharedBuffer(base: output)
        )
        forEachChunk(count, work: count * 16) { range in
          for i in range {
            let value = source.base[i]
            let p = 0.5 * (1 + cErf(value * 0.7071067811865476))
            cdfOut.base[i] = p
            result.base[i] = value * p
          }
        }
      }
    }
  }
  let result = Tensor(unchecked: x.shape, values).converted(to: x.dtype)
  guard let tape = Tape.recording(x) else { return result }
  let (input, phi) = (x.untracked, Tensor(unchecked: x.shape, cdf))
  return tape.record(result, "gelu", inputs: [x]) { gradient, gradients in
    var delta = gradient.untracked
    delta.scalars.withUnsafeMutableBufferPointer { g in
      input.scalars.withUnsafeBufferPointer { x in
        phi.scalars.withUnsafeBufferPointer { p in
          guard let g = g.baseAddress, let x = x.baseAddress, let p = p.baseAddress else { return }
          let (out, source, cdf) = (SharedBuffer(base: g), ConstantBuffer(base: x), ConstantBuffer(base: p))
          forEachChunk(count, work: count * 8) { range in
            for i in range {
              let value = source.base[i]
              out.base[i] *= cdf.base[i] + value * cExp(-0.5 * value * value) * 0.3989422804014327
            }
          }
        }
      }
    }
    gradients.add(delta, to: x)
  }
}

/// ``gelu(_:)`` of a float32 or bfloat16 tensor, computed in float32 by a
/// vector kernel (`Activations.c`: Φ from a fitted erfc whose relative error
/// is below 3e-10, so each result rounds as if computed exactly), in
/// parallel chunks; Φ(x) is kept for the backward pass.
private func singleGelu(_ x: Tensor) -> Tensor {
  let count = x.count
  let input = x.untracked.floats
  var cdf = Tensor.uninitializedFloats(count)
  var values = Tensor.uninitializedFloats(count)
  input.withUnsafeBufferPointer { input in
    cdf.withUnsafeMutableBufferPointer { phi in
      values.withUnsafeMutableBufferPointer { output in
        guard let input = input.baseAddress, let phi = phi.baseAddress, let output = output.baseAddress else { return }
        let (source, cdfOut, result) = (
          ConstantBuffer(base: input), SharedBuffer(base: phi), SharedBuffer(base: output)
        )
        forEachChunk(count, work: count * 4) { range in
          Processor.gelu(
            source.base + range.lowerBound, result.base + range.lowerBound, cdfOut.base + range.lowerBound,
            range.count)
        }
      }
    }
  }
  let result = Tensor(unchecked: x.shape, floats: values, dtype: x.dtype)
  guard let tape = Tape.recording(x) else { return result }
  let (dtype, phi) = (x.dtype, cdf)
  return tape.record(result, "gelu", inputs: [x]) { gradient, gradients in
    var delta = gradient.untracked.floats
    delta.withUnsafeMutableBufferPointer { g in
      input.withUnsafeBufferPointer { x in
        phi.withUnsafeBufferPointer { p in
          guard let g = g.baseAddress, let x = x.baseAddress, let p = p.baseAddress else { return }
          let (out, source, cdf) = (SharedBuffer(base: g), ConstantBuffer(base: x), ConstantBuffer(base: p))
          forEachChunk(count, work: count * 2) { range in
            Processor.geluBackward(
              out.base + range.lowerBound, source.base + range.lowerBound, cdf.base + range.lowerBound, range.count)
          }
        }
      }
    }
    gradients.add(Tensor(unchecked: gradient.shape, floats: delta, dtype: dtype), to: x)
  }
}

/// `a - floor(a / b) · b`, computed as NumPy's `np.remainder` does: the
/// result has the divisor's sign (`-1 % 3 == 2`, `1 % -3 == -2`).
@inline(__always)
func floorRemainder(_ a: Double, _ b: Double) -> Double {
  let r = a.truncatingRemainder(dividingBy: b)
  return r != 0 && (r < 0) != (b < 0) ? r + b : r
}
