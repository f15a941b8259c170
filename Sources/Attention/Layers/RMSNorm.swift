/// Root-mean-square normalization (Zhang & Sennrich, 2019) over the last
/// axis, as PyTorch's `F.rms_norm(x, [d], weight, eps)`:
///
///     y = x / √(mean(x²) + ε) · weight
///
/// Unlike layer norm it does not subtract the mean. Gradients flow to `x`
/// and `weight`.
///
/// - Parameters:
///   - x: the rows to normalize, `[..., d]`.
///   - weight: optional gain of shape `[d]`, default all ones.
///   - eps: added inside the square root; default `1e-5`.
/// - Throws: ``TensorError`` when `x` is a scalar or `weight` is not `[d]`.
public func rmsNorm(_ x: Tensor, weight: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
  guard let d = x.shape.last else { throw TensorError("rmsnorm", "needs rank 1 or more, got []") }
  if let weight, weight.shape != [d] {
    throw TensorError(
      "rmsnorm",
      "weight must have shape [\(d)] to match \(Tensor.describe(x.shape)), got \(Tensor.describe(weight.shape))")
  }
  guard eps >= 0 else { throw TensorError("rmsnorm", "eps must be non-negative, got \(eps)") }
  let rows = d == 0 ? 0 : x.count / d
  // Each row's 1/√(mean(x²) + ε), kept for the gradient.
  var inverses = [Double](repeating: 0, count: rows)
  var result = try Tensor.uninitializedStorage(x.shape, operation: "rmsnorm")
  // Read once: `scalars` of a float32 tensor is a widened copy.
  let scales = weight?.scalars ?? TensorBuffer(repeating: 1, count: d)
  x.scalars.withUnsafeBufferPointer { input in
    for row in 0..<rows {
      var squares = 0.0
      for i in 0..<d { squares += input[row * d + i] * input[row * d + i] }
      let inverse = 1 / (squares / Double(d) + eps).squareRoot()
      inverses[row] = inverse
      for i in 0..<d { result[row * d + i] = input[row * d + i] * inverse * scales[i] }
    }
  }
  let output = Tensor(unchecked: x.shape, result)
  guard let tape = Tape.recording([x, weight]) else { return output }
  return tape.record(output, "rmsnorm", inputs: [x]) { [inverses] gradient, gradients in
    let (g, input) = (gradient.scalars, x.scalars)
    if let weight, gradients.needs(weight) {
      var total = [Double](repeating: 0, count: d)
      for row in 0..<rows { for i in 0..<d { total[i] += g[row * d + i] * input[row * d + i] * inverses[row] } }
      gradients.add(Tensor(total), to: weight)
    }
    guard gradients.needs(x) else { return }
    // ∂xⱼ = r gⱼwⱼ − (r³ xⱼ / d) Σᵢ gᵢ wᵢ xᵢ, with r = 1/√(mean(x²) + ε).
    var dx = try Tensor.uninitializedStorage(x.shape, operation: "rmsnorm")
    for row in 0..<rows {
      let r = inverses[row]
      var dotted = 0.0
      for i in 0..<d { dotted += g[row * d + i] * scales[i] * input[row * d + i] }
      let correction = r * r * r * dotted / Double(d)
      for i in 0..<d {
        dx[row * d + i] = r * g[row * d + i] * scales[i] - correction * input[row * d + i]
      }
    }
    gradients.add(Tensor(unchecked: x.shape, dx), to: x)
  }
}
