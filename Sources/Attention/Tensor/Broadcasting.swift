/// The shape two operands broadcast to under NumPy's rules: shapes are
/// aligned at their last axes, and each pair of sizes must be equal or one
/// of them must be 1.
///
/// - Throws: ``TensorError`` naming both shapes when they are incompatible.
public func broadcastShape(_ a: Shape, _ b: Shape, operation: String) throws -> Shape {
  if a == b { return a }
  let rank = max(a.count, b.count)
  var result = Shape(repeating: 1, count: rank)
  for offset in 0..<rank {
    let sizeA = offset < a.count ? a[a.count - 1 - offset] : 1
    let sizeB = offset < b.count ? b[b.count - 1 - offset] : 1
    guard sizeA == sizeB || sizeA == 1 || sizeB == 1 else {
      throw TensorError(
        operation, "shapes \(Tensor.describe(a)) and \(Tensor.describe(b)) cannot be broadcast together")
    }
    result[rank - 1 - offset] = sizeA == 1 ? sizeB : sizeA
  }
  return result
}

extension Tensor {
  /// Strides for reading `self` as if it had `shape` (its broadcast shape):
  /// axes of size 1 that were stretched get stride 0.
  func broadcastStrides(to shape: Shape) -> [Int] { Tensor.broadcastStrides(of: self.shape, to: shape) }

  /// Strides for reading a tensor of `own` shape as if it had `shape`.
  static func broadcastStrides(of own: Shape, to shape: Shape) -> [Int] {
    let strides = Tensor.strides(of: own)
    let lead = shape.count - own.count
    return shape.indices.map { axis in
      axis < lead || own[axis - lead] == 1 ? 0 : strides[axis - lead]
    }
  }

  /// Repeats `self` along stretched axes to make a tensor of `shape`.
  ///
  /// - Throws: ``TensorError`` when `self` does not broadcast to `shape`.
  public func broadcast(to shape: some Collection<Int>, operation: String = "broadcast") throws -> Tensor {
    try Tensor.validate(shape: shape, operation: operation)
    let target = Shape(shape)
    let common = try broadcastShape(self.shape, target, operation: operation)
    guard common == target else {
      throw TensorError(operation, "cannot broadcast \(Tensor.describe(self.shape)) to \(Tensor.describe(shape))")
    }
    if self.shape == target { return self }
    return Tensor.combine(self, Tensor(0), shape: target) { value, _ in value }
  }

  /// The sum of `self` over the axes that broadcasting stretched from
  /// `shape`: the gradient of a broadcast input, from the gradient of the
  /// broadcast result (`self` has the broadcast shape).
  func summed(toShape target: Shape) throws -> Tensor {
    if shape == target { return self }
    var result = self
    // Leading axes the input did not have.
    while result.rank > target.count { result = try sum(result, axis: 0) }
    // Axes of size 1 in the input that were stretched.
    for axis in target.indices where target[axis] == 1 && result.shape[axis] != 1 {
      result = try sum(result, axis: axis).reshaped(
        target.enumerated().map { $0.offset <= axis ? $0.element : result.shape[$0.offset] })
    }
    return result.shape == target ? result : try result.reshaped(target)
  }

  /// Applies `body` to corresponding elements of `a` and `b`, read with
  /// broadcasting into `shape` (which must be their broadcast shape),
  /// computing in `Double`; the result has the type the two promote to
  /// (``DType/promoted(_:_:)``), rounded to it.
  static func combine(
    _ a: Tensor, _ b: Tensor, shape: Shape, _ body: (Double, Double) -> Double
  ) -> Tensor {
    let result = Tensor(
      unchecked: shape, combine(a.scalars, a.shape, b.scalars, b.shape, shape: shape, body))
    let dtype = DType.promoted(a, b)
    return dtype == .float64 ? result : result.converted(to: dtype)
  }

  /// As ``combine(_:_:shape:_:)`` computing in `Float`, for operands that
  /// promote to float32 or bfloat16 (the result is rounded to that type).
  static func combineFloats(
    _ a: Tensor, _ b: Tensor, shape: Shape, _ body: (Float, Float) -> Float
  ) -> Tensor {
    Tensor(
      unchecked: shape, floats: combine(a.floats, a.shape, b.floats, b.shape, shape: shape, body),
      dtype: DType.promoted(a, b))
  }

  /// `body` applied to corresponding elements of `x` (of `shapeX`) and `y`
  /// (of `shapeY`), read with broadcasting into `shape`, in row-major order.
  @inline(__always)
  static func combine<Element: BinaryFloatingPoint>(
    _ x: TensorBuffer<Element>, _ shapeX: Shape, _ y: TensorBuffer<Element>, _ shapeY: Shape, shape: Shape,
    _ body: (Element, Element) -> Element
  ) -> TensorBuffer<Element> {
    let count = shape.reduce(1, *)
    // Same shapes, or one side a single number where the other has the
    // result's shape: every element written once (on this thread: `body`
    // inlines into these loops, and they vectorize; called from chunks on
    // other threads it would be a call per element).
    let sameShapes = shapeX == shape && shapeY == shape
    if sameShapes || (shapeX == shape && y.count == 1) || (shapeY == shape && x.count == 1) {
      return TensorBuffer(unsafeUninitializedCount: count) { out in
        x.withUnsafeBufferPointer { x in
          y.withUnsafeBufferPointer { y in
            if sameShapes {
              for i in 0..<count { out[i] = body(x[i], y[i]) }
            } else if y.count == 1 {
              for i in 0..<count { out[i] = body(x[i], y[0]) }
            } else {
              for i in 0..<count { out[i] = body(x[0], y[i]) }
            }
          }
        }
      }
    }
    var result = TensorBuffer<Element>(repeating: 0, count: count)
    // General case: walk the output in row-major order with an odometer,
    // moving each operand's offset by its (possibly zero) stride.
    let stridesA = broadcastStrides(of: shapeX, to: shape)
    let stridesB = broadcastStrides(of: shapeY, to: shape)
    var index = [Int](repeating: 0, count: shape.count)
    var offsetA = 0
    var offsetB = 0
    x.withUnsafeBufferPointer { x in
      y.withUnsafeBufferPointer { y in
        result.withUnsafeMutableBufferPointer { out in
          for i in 0..<count {
            out[i] = body(x[offsetA], y[offsetB])
            var axis = shape.count - 1
            while axis >= 0 {
              index[axis] += 1
              offsetA += stridesA[axis]
              offsetB += stridesB[axis]
              if index[axis] < shape[axis] { break }
              offsetA -= stridesA[axis] * shape[axis]
              offsetB -= stridesB[axis] * shape[axis]
              index[axis] = 0
              axis -= 1
            }
          }
        }
      }
    }
    return result
  }
}
