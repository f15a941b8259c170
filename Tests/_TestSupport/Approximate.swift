import Attention

extension Double {
  /// Whether `self` is within `tolerance` of `other`, absolutely or relative
  /// to the larger magnitude. NaN matches NaN and infinities must be equal,
  /// because the fixtures record IEEE special values on purpose.
  public func isApproximatelyEqual(to other: Double, tolerance: Double = 1e-9) -> Bool {
    if isNaN || other.isNaN { return isNaN && other.isNaN }
    if isInfinite || other.isInfinite { return self == other }
    let scale = max(1, abs(self), abs(other))
    return abs(self - other) <= tolerance * scale
  }
}

extension Tensor {
  /// Whether both tensors have the same shape and approximately equal elements.
  public func isApproximatelyEqual(to other: Tensor, tolerance: Double = 1e-9) -> Bool {
    shape == other.shape
      && zip(scalars, other.scalars).allSatisfy { $0.isApproximatelyEqual(to: $1, tolerance: tolerance) }
  }
}
