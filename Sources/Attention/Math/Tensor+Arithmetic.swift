/// An elementwise operation on two tensors, with NumPy broadcasting.
public enum BinaryOperation: String, CaseIterable, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  /// The remainder of floored division, with the divisor's sign (NumPy's `%`, Python's).
  case remainder = "%"
  case power = "^"
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  case equal = "=="
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
/// - Throws: ``TensorError`` when the shapes cannot be broadcast together.
public func elementwise(_ a: Tensor, _ operation: BinaryOperation, _ b: Tensor) throws -> Tensor {
  let shape = try broadcastShape(a.shape, b.shape, operation: operation.rawValue)
  if shape != a.shape && shape != b.shape { try ExecutionContext.current.reserve(shape, operation: operation.rawValue) }
  let body = operation.function
  return Tensor.combine(a, b, shape: shape, body)
}

extension Tensor {
  /// Elementwise sum with broadcasting: `(a + b)[i] = a[i] + b[i]`.
  public static func + (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .add, b) }
  /// Elementwise difference with broadcasting: `(a - b)[i] = a[i] - b[i]`.
  public static func - (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .subtract, b) }
  /// Elementwise product with broadcasting: `(a * b)[i] = a[i] · b[i]`.
  public static func * (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .multiply, b) }
  /// Elementwise quotient with broadcasting: `(a / b)[i] = a[i] / b[i]` (IEEE: x/0 = ±inf).
  public static func / (a: Tensor, b: Tensor) throws -> Tensor { try elementwise(a, .divide, b) }
  /// Elementwise negation: `(-a)[i] = -a[i]`.
  public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

  /// Applies `transform` to every element, keeping the shape.
  public func map(_ transform: (Double) -> Double) -> Tensor {
    Tensor(unchecked: shape, scalars.map(transform))
  }
}

/// `a^b` elementwise with broadcasting, as C's `pow`: `pow(-8, 1/3)` is NaN.
public func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor { try elementwise(a, .power, b) }

/// The exponential `eˣ` of each element.
public func exp(_ x: Tensor) -> Tensor { x.map { cExp($0) } }
/// The natural logarithm of each element (`log 0 = -inf`, negative → NaN).
public func log(_ x: Tensor) -> Tensor { x.map { cLog($0) } }
/// The square root of each element (negative → NaN).
public func sqrt(_ x: Tensor) -> Tensor { x.map { $0.squareRoot() } }
/// The absolute value `|x|` of each element.
public func abs(_ x: Tensor) -> Tensor { x.map { Swift.abs($0) } }
/// The hyperbolic tangent of each element.
public func tanh(_ x: Tensor) -> Tensor { x.map { cTanh($0) } }
/// The rectified linear unit `max(0, x)` of each element (NaN stays NaN).
public func relu(_ x: Tensor) -> Tensor { x.map { $0 > 0 ? $0 : ($0.isNaN ? $0 : 0) } }
/// The logistic sigmoid `1 / (1 + e⁻ˣ)` of each element, computed without overflow.
public func sigmoid(_ x: Tensor) -> Tensor {
  x.map { value in
    if value >= 0 { return 1 / (1 + cExp(-value)) }
    let e = cExp(value)
    return e / (1 + e)
  }
}

/// `a - floor(a / b) · b`, computed as NumPy's `np.remainder` does: the
/// result has the divisor's sign (`-1 % 3 == 2`, `1 % -3 == -2`).
@inline(__always)
func floorRemainder(_ a: Double, _ b: Double) -> Double {
  let r = a.truncatingRemainder(dividingBy: b)
  return r != 0 && (r < 0) != (b < 0) ? r + b : r
}
