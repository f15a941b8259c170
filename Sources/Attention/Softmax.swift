/// The softmax of `x` along `axis`:
/// `softmax(x)ᵢ = exp((xᵢ − m)/T) / Σⱼ exp((xⱼ − m)/T)`, with `m = maxⱼ xⱼ`.
///
/// Subtracting the row maximum first keeps `exp` from overflowing, so
/// `[1000, 1001, 1002]` gives the same weights as `[0, 1, 2]`. An entry of
/// −inf gets weight exactly 0 (that is how masks block positions), and a row
/// that is entirely −inf gives all-zero weights instead of NaN — PyTorch's
/// current choice for fully masked rows in attention. A row holding NaN gives
/// NaN. A rank-0 input is treated as a single-element row.
///
/// - Parameters:
///   - axis: the axis whose lanes are normalised; −1 (the default) is the last.
///   - temperature: `T > 0`; larger flattens the distribution, smaller sharpens it.
/// - Complexity: O(n), one pass for the maximum and one for the sum.
/// - Throws: ``TensorError`` for a bad axis or a non-positive temperature.
public func softmax(_ x: Tensor, axis: Int = -1, temperature: Double = 1) throws -> Tensor {
  guard temperature > 0, temperature.isFinite else {
    throw TensorError("softmax", "temperature must be a positive finite number, got \(temperature)")
  }
  if x.isScalar {
    return try softmax(Tensor(shape: [1], scalars: x.scalars), temperature: temperature)
      .reshaped([])
  }
  let resolved = try Tensor.normalize(axis: axis, rank: x.rank, operation: "softmax")
  let layout = AxisLayout(shape: x.shape, axis: resolved)
  var result = x.scalars
  let inverseTemperature = 1 / temperature
  result.withUnsafeMutableBufferPointer { buffer in
    for o in 0..<layout.outer {
      for i in 0..<layout.inner {
        softmaxLane(
          buffer, start: o * layout.size * layout.inner + i, count: layout.size, stride: layout.inner,
          inverseTemperature: inverseTemperature)
      }
    }
  }
  return Tensor(unchecked: x.shape, result)
}

/// Softmax in place over `count` values at `start + k·stride`.
@inline(__always)
func softmaxLane(
  _ buffer: UnsafeMutableBufferPointer<Double>, start: Int, count: Int, stride: Int,
  inverseTemperature: Double = 1
) {
  var maximum = -Double.infinity
  for k in 0..<count {
    let value = buffer[start + k * stride]
    if value.isNaN {
      for j in 0..<count { buffer[start + j * stride] = .nan }
      return
    }
    if value > maximum { maximum = value }
  }
  if maximum == -.infinity {
    for k in 0..<count { buffer[start + k * stride] = 0 }
    return
  }
  var total = 0.0
  for k in 0..<count {
    let index = start + k * stride
    let e = cExp((buffer[index] - maximum) * inverseTemperature)
    buffer[index] = e
    total += e
  }
  let inverse = 1 / total
  for k in 0..<count { buffer[start + k * stride] *= inverse }
}
