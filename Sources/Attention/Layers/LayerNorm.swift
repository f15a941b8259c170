import _AttentionKernels

/// Layer normalization (Ba, Kiros & Hinton, 2016) over the last axis, as
/// `torch.nn.functional.layer_norm(x, [d], weight, bias, eps)`:
///
///     y = (x − μ) / √(σ² + ε) · weight + bias
///
/// with `μ` the mean and `σ²` the biased variance `(1/d) Σ (xᵢ − μ)²` of each
/// row, and `ε` inside the square root.
///
/// Gradients flow to `x`, `weight` and `bias`, as through PyTorch's.
///
/// - Parameters:
///   - x: the rows to normalize, `[..., d]`.
///   - weight: optional gain of shape `[d]` (γ), default all ones.
///   - bias: optional shift of shape `[d]` (β), default all zeros.
///   - eps: added to the variance for stability; default `1e-5`.
/// - Throws: ``TensorError`` when `x` is a scalar or `weight`/`bias` are not `[d]`.
public func layerNorm(
  _ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5
) throws -> Tensor {
  guard let d = x.shape.last else { throw TensorError("layernorm", "needs rank 1 or more, got []") }
  for (name, parameter) in [("weight", weight), ("bias", bias)] {
    if let parameter, parameter.shape != [d] {
      throw TensorError(
        "layernorm",
        "\(name) must have shape [\(d)] to match \(Tensor.describe(x.shape)), got \(Tensor.describe(parameter.shape))")
    }
  }
  guard eps >= 0 else { throw TensorError("layernorm", "eps must be non-negative, got \(eps)") }
  var promotion = DType.Promotion()
  promotion.add(x)
  if let weight { promotion.add(weight) }
  if let bias { promotion.add(bias) }
  let dtype = promotion.type
  if dtype != .float64 { return try singleLayerNorm(x, weight: weight, bias: bias, eps: eps, dtype: dtype) }
  // The normalized rows x̂ and each row's 1/√(σ² + ε), kept for the gradient.
  var normalized = x.scalars
  let rows = d == 0 ? 0 : x.count / d
  var inverses = [Double](repeating: 0, count: rows)
  normalized.withUnsafeMutableBufferPointer { normalized in
    for row in 0..<rows {
      let start = row * d
      var mean = 0.0
      for i in 0..<d { mean += normalized[start + i] }
      mean /= Double(d)
      var variance = 0.0
      for i in 0..<d {
        let centered = normalized[start + i] - mean
        variance += centered * centered
      }
      variance /= Double(d)
      let inverse = 1 / (variance + eps).squareRoot()
      inverses[row] = inverse
      for i in 0..<d { normalized[start + i] = (normalized[start + i] - mean) * inverse }
    }
  }
  var result = normalized
  // Read once: `scalars` of a float32 tensor is a widened copy.
  let (scales, shifts) = (weight?.scalars, bias?.scalars)
  result.withUnsafeMutableBufferPointer { result in
    for row in 0..<rows {
      for i in 0..<d {
        if let scales { result[row * d + i] *= scales[i] }
        if let shifts { result[row * d + i] += shifts[i] }
      }
    }
  }
  let output = Tensor(unchecked: x.shape, result)
  guard let tape = Tape.recording([x, weight, bias]) else { return output }
  return tape.record(output, "layernorm", inputs: [x]) { [normalized, inverses] gradient, gradients in
    let g = gradient.scalars
    if let weight, gradients.needs(weight) {
      var total = [Double](repeating: 0, count: d)
      for row in 0..<rows { for i in 0..<d { total[i] += g[row * d + i] * normalized[row * d + i] } }
      gradients.add(Tensor(total), to: weight)
    }
    if let bias, gradients.needs(bias) {
      var total = [Double](repeating: 0, count: d)
      for row in 0..<rows { for i in 0..<d { total[i] += g[row * d + i] } }
      gradients.add(Tensor(total), to: bias)
    }
    guard gradients.needs(x) else { return }
    // ∂x = (1/σ)(g' − mean(g') − x̂ · mean(g' ⊙ x̂)), with g' = g ⊙ weight.
    var dx = try Tensor.uninitializedStorage(x.shape, operation: "layernorm")
    let scales = weight?.scalars ?? TensorBuffer(repeating: 1, count: d)
    dx.withUnsafeMutableBufferPointer { dx in
      for row in 0..<rows {
        var sum = 0.0
        var dotted = 0.0
        for i in 0..<d {
          let scaled = g[row * d + i] * scales[i]
          sum += scaled
          dotted += scaled * normalized[row * d + i]
        }
        let (meanScaled, meanDotted) = (sum / Double(d), dotted / Double(d))
        for i in 0..<d {
          let scaled = g[row * d + i] * scales[i]
          dx[row * d + i] = inverses[row] * (scaled - meanScaled - normalized[row * d + i] * meanDotted)
        }
      }
    }
    gradients.add(Tensor(unchecked: x.shape, dx), to: x)
  }
}

/// ``layerNorm(_:weight:bias:eps:)`` of float32 or bfloat16 tensors (`dtype`,
/// their promoted type), computed in float32 by C loops
/// (`Normalization.c`; each row's statistics summed in double) over
/// parallel chunks of rows.
private func singleLayerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Double, dtype: DType) throws -> Tensor {
  let d = x.shape[x.rank - 1]
  let rows = d == 0 ? 0 : x.count / d
  let (input, scales, shifts) = (x.untracked.floats, weight?.untracked.floats, bias?.untracked.floats)
  var result = Tensor.uninitializedFloats(x.count)
  var normalized = Tensor.uninitializedFloats(x.count)
  var inverses = [Double](repeating: 0, count: rows)
  withPointers(input, scales, shifts) { input, scales, shifts in
    result.withUnsafeMutableBufferPointer { result in
      normalized.withUnsafeMutableBufferPointer { normalized in
        inverses.withUnsafeMutableBufferPointer { inverses in
          guard let input, let out = result.baseAddress, let hat = normalized.baseAddress,
            let inverse = inverses.baseAddress
          else { return }
          let (source, weight, bias) = (
            ConstantBuffer(base: input), scales.map(ConstantBuffer.init), shifts.map(ConstantBuffer.init)
          )
          let (y, xHat, inverseOut) = (SharedBuffer(base: out), SharedBuffer(base: hat), SharedBuffer(base: inverse))
          forEachChunk(rows, work: rows * d * 4) { range in
            let offset = range.lowerBound * d
            Processor.layerNorm(
              source.base + offset, weight?.base, bias?.base, y.base + offset, xHat.base + offset,
              inverseOut.base + range.lowerBound, range.count, d, eps)
          }
        }
      }
    }
  }
  let output = Tensor(unchecked: x.shape, floats: result, dtype: dtype)
  guard let tape = Tape.recording([x, weight, bias]) else { return output }
  return tape.record(output, "layernorm", inputs: [x]) { [normalized, inverses] gradient, gradients in
    let g = gradient.untracked.floats
    let (needsWeight, needsBias) = (
      weight.map { gradients.needs($0) } ?? false, bias.map { gradients.needs($0) } ?? false
    )
    if needsWeight || needsBias {
      var (weighted, plain) = ([Double](repeating: 0, count: d), [Double](repeating: 0, count: d))
      weighted.withUnsafeMutableBufferPointer { weighted in
        plain.withUnsafeMutableBufferPointer { plain in
          withPointers(g, normalized, nil) { g, normalized, _ in
            attn_column_sums_float32(
              g, normalized, needsWeight ? weighted.baseAddress : nil, needsBias ? plain.baseAddress : nil, rows, d)
          }
        }
      }
      if let weight, needsWeight { gradients.add(Tensor([Double](weighted)).converted(to: weight.dtype), to: weight) }
      if let bias, needsBias { gradients.add(Tensor([Double](plain)).converted(to: bias.dtype), to: bias) }
    }
    guard gradients.needs(x) else { return }
    var dx = Tensor.uninitializedFloats(x.count)
    withPointers(g, normalized, scales) { g, normalized, scales in
      dx.withUnsafeMutableBufferPointer { dx in
        inverses.withUnsafeBufferPointer { inverses in
          guard let g, let normalized, let out = dx.baseAddress, let inverse = inverses.baseAddress else { return }
          let (source, xHat, weight) = (
            ConstantBuffer(base: g), ConstantBuffer(base: normalized), scales.map(ConstantBuffer.init)
          )
          let (target, inverseIn) = (SharedBuffer(base: out), ConstantBuffer(base: inverse))
          forEachChunk(rows, work: rows * d * 4) { range in
            let offset = range.lowerBound * d
            Processor.layerNormBackward(
              source.base + offset, xHat.base + offset, inverseIn.base + range.lowerBound, weight?.base,
              target.base + offset, range.count, d)
          }
        }
      }
    }
    gradients.add(Tensor(unchecked: x.shape, floats: dx, dtype: x.dtype), to: x)
  }
}

/// A linear (fully connected) layer in the row-vector convention: `y = x·W + b`.
///
/// `x` is `[…, in]`, `W` is `[in, out]`, and the optional bias `b` is `[out]`.
/// - Throws: ``TensorError`` naming the shapes when they do not chain.
public func linear(_ x: Tensor, _ weight: Tensor, _ bias: Tensor? = nil) throws -> Tensor {
  guard weight.rank == 2 else {
    throw TensorError("linear", "weight must be a matrix [in, out], got \(Tensor.describe(weight.shape))")
  }
  guard x.shape.last == weight.shape[0] else {
    throw TensorError(
      "linear",
      "input's last axis must match the weight's rows: \(Tensor.describe(x.shape)) vs \(Tensor.describe(weight.shape))")
  }
  let product = try matmul(x, weight)
  guard let bias else { return product }
  guard bias.shape == [weight.shape[1]] else {
    throw TensorError(
      "linear", "bias must have shape [\(weight.shape[1])], got \(Tensor.describe(bias.shape))")
  }
  return try product + bias
}
