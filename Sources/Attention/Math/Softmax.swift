/// The softmax of `x` along `axis`:
/// `softmax(x)ᵢ = exp((xᵢ − m)/T) / Σⱼ exp((xⱼ − m)/T)`, with `m = maxⱼ xⱼ`.
///
/// Subtracting the row maximum first keeps `exp` from overflowing, so
/// `[1000, 1001, 1002]` gives the same weights as `[0, 1, 2]`. An entry of
/// −inf gets weight exactly 0 (that is how masks block positions), and a row
/// that is entirely −inf gives all-zero weights instead of NaN, as PyTorch's
/// `scaled_dot_product_attention` does for fully masked rows (`torch.softmax`
/// and `nn.MultiheadAttention` give NaN there). A row holding NaN gives
/// NaN. A rank-0 input is treated as a single-element row.
///
/// Gradient: `∂x = y ⊙ (g − Σ g ⊙ y) / T` along the axis (`y` the result);
/// positions of weight 0 (−inf, blocked) get exactly 0.
///
/// - Parameters:
///   - x: the scores.
///   - axis: the axis whose lanes are normalised; −1 (the default) is the last.
///   - temperature: `T > 0`; larger flattens the distribution, smaller sharpens it.
/// - Complexity: O(n), one pass for the maximum and one for the sum.
/// - Throws: ``TensorError`` for a bad axis or a non-positive temperature.
public func softmax(_ x: Tensor, axis: Int = -1, temperature: Double = 1) throws -> Tensor {
  guard temperature > 0, temperature.isFinite else {
    throw TensorError("softmax", "temperature must be a positive finite number, got \(temperature)")
  }
  if x.isScalar {
    return try softmax(x.reshaped([1]), temperature: temperature).reshaped([])
  }
  let resolved = try Tensor.normalize(axis: axis, rank: x.rank, operation: "softmax")
  let layout = AxisLayout(shape: x.shape, axis: resolved)
  let inverseTemperature = 1 / temperature
  let weights: Tensor
  if layout.inner == 1 {
    weights = softmaxRows(x, rows: layout.outer, columns: layout.size, scale: inverseTemperature)
  } else {
    var result = x.scalars
    result.withUnsafeMutableBufferPointer { buffer in
      for o in 0..<layout.outer {
        for i in 0..<layout.inner {
          softmaxLane(
            buffer, start: o * layout.size * layout.inner + i, count: layout.size, stride: layout.inner,
            inverseTemperature: inverseTemperature)
        }
      }
    }
    weights = Tensor(unchecked: x.shape, result).converted(to: x.dtype)
  }
  guard let tape = Tape.recording(x) else { return weights }
  return tape.record(weights, "softmax", inputs: [x]) { gradient, gradients in
    gradients.add(try softmaxGradient(gradient, weights: weights, layout: layout, temperature: temperature), to: x)
  }
}

/// `y ⊙ (g − Σ g ⊙ y) / T` along each lane of `layout`: the gradient of
/// softmax's input from the gradient `g` of its output `y`.
func softmaxGradient(_ gradient: Tensor, weights: Tensor, layout: AxisLayout, temperature: Double) throws -> Tensor {
  var result = try Tensor.uninitializedStorage(weights.shape, operation: "softmax")
  weights.scalars.withUnsafeBufferPointer { y in
    gradient.scalars.withUnsafeBufferPointer { g in
      result.withUnsafeMutableBufferPointer { result in
        for o in 0..<layout.outer {
          for i in 0..<layout.inner {
            let start = o * layout.size * layout.inner + i
            var total = 0.0
            for k in 0..<layout.size { total += g[start + k * layout.inner] * y[start + k * layout.inner] }
            for k in 0..<layout.size {
              let index = start + k * layout.inner
              result[index] = y[index] * (g[index] - total) / temperature
            }
          }
        }
      }
    }
  }
  return Tensor(unchecked: weights.shape, result).converted(to: weights.dtype)
}

/// Softmax along rows of `columns` contiguous elements (the last axis, or
/// one followed only by axes of size 1), each times `scale`: one call of the
/// row kernel (`Softmax.c`) over all the rows, in chunks of rows on every
/// core when there are many. float32 and bfloat16 stay in their type (the
/// sums in double).
func softmaxRows(_ x: Tensor, rows: Int, columns: Int, scale: Double) -> Tensor {
  guard x.count > 0 else { return x.untracked }
  if case .float64(let source) = x.elements {
    let result = rowsThroughKernel(source, rows: rows, columns: columns, scale: scale, Processor.softmaxRows)
    return Tensor(unchecked: x.shape, result)
  }
  let result = rowsThroughKernel(x.floats, rows: rows, columns: columns, scale: scale, Processor.softmaxRowsFloat32)
  return Tensor(unchecked: x.shape, floats: result, dtype: x.dtype)
}

/// `kernel` (the float64 or float32 row kernel) from `source` into a new
/// array, in chunks of whole rows on every core when there are many.
private func rowsThroughKernel<Element>(
  _ source: TensorBuffer<Element>, rows: Int, columns: Int, scale: Double,
  _ kernel: (UnsafePointer<Element>?, UnsafeMutablePointer<Element>?, Int, Int, Double) -> Void
) -> TensorBuffer<Element> {
  TensorBuffer(unsafeUninitializedCount: source.count) { output in
    source.withUnsafeBufferPointer { input in
      guard let i = input.baseAddress, let o = output.baseAddress else { return }
      let (from, to) = (ConstantBuffer(base: i), SharedBuffer(base: o))
      forEachChunk(rows, work: rows * columns) { range in
        let offset = range.lowerBound * columns
        kernel(from.base + offset, to.base + offset, range.count, columns, scale)
      }
    }
  }
}

/// The logarithm of the softmax along `axis`, computed stably:
/// `log softmax(x)ᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m)` with `m = maxⱼ xⱼ`, as
/// PyTorch's `F.log_softmax`. An entry of −inf stays −inf; a lane that is
/// all −inf gives −inf throughout (its softmax is all zeros).
///
/// Gradient: `∂x = g − softmax(x) · Σ g` along the axis.
///
/// - Throws: ``TensorError`` for a bad axis.
public func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
  if x.isScalar { return try logSoftmax(x.reshaped([1])).reshaped([]) }
  let resolved = try Tensor.normalize(axis: axis, rank: x.rank, operation: "logsoftmax")
  let layout = AxisLayout(shape: x.shape, axis: resolved)
  var result = x.scalars
  result.withUnsafeMutableBufferPointer { buffer in
    for o in 0..<layout.outer {
      for i in 0..<layout.inner {
        let start = o * layout.size * layout.inner + i
        var maximum = -Double.infinity
        for k in 0..<layout.size { maximum = max(maximum, buffer[start + k * layout.inner]) }
        if maximum == -.infinity {
          for k in 0..<layout.size { buffer[start + k * layout.inner] = -.infinity }
          continue
        }
        var total = 0.0
        for k in 0..<layout.size { total += cExp(buffer[start + k * layout.inner] - maximum) }
        let shift = maximum + cLog(total)
        for k in 0..<layout.size { buffer[start + k * layout.inner] -= shift }
      }
    }
  }
  let output = Tensor(unchecked: x.shape, result)
  guard let tape = Tape.recording(x) else { return output }
  return tape.record(output, "logsoftmax", inputs: [x]) { gradient, gradients in
    var dx = gradient.untracked
    dx.scalars.withUnsafeMutableBufferPointer { g in
      output.scalars.withUnsafeBufferPointer { y in
        for o in 0..<layout.outer {
          for i in 0..<layout.inner {
            let start = o * layout.size * layout.inner + i
            var total = 0.0
            for k in 0..<layout.size { total += g[start + k * layout.inner] }
            for k in 0..<layout.size {
              let index = start + k * layout.inner
              g[index] -= y[index] == -.infinity ? 0 : cExp(y[index]) * total
            }
          }
        }
      }
    }
    gradients.add(dx, to: x)
  }
}

/// Softmax in place over `count` values at `start + k·stride`, of the
/// values times `inverseTemperature` (which must be positive).
@inline(__always)
func softmaxLane(
  _ buffer: UnsafeMutableBufferPointer<Double>, start: Int, count: Int, stride: Int,
  inverseTemperature: Double = 1
) {
  guard let base = buffer.baseAddress else { return }
  if stride == 1 {
    contiguousSoftmax(base + start, count: count, scale: inverseTemperature)
    return
  }
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

/// Softmax of `scale · x` over `count` contiguous values, in place, four at a
/// time: the maximum (spotting NaN on the way), the shifted exponentials and
/// their sum, then the division — three passes over the row.
func contiguousSoftmax(_ values: UnsafeMutablePointer<Double>, count: Int, scale: Double) {
  typealias V = SIMD4<Double>
  let raw = UnsafeMutableRawPointer(values)
  var maxima = V(repeating: -.infinity)
  var sawNaN = SIMDMask<SIMD4<Int64>>(repeating: false)
  var index = 0
  while index + 4 <= count {
    let chunk = raw.loadUnaligned(fromByteOffset: index * 8, as: V.self)
    sawNaN .|= chunk .!= chunk
    maxima.replace(with: chunk, where: chunk .> maxima)
    index += 4
  }
  var maximum = maxima.max()
  var hasNaN = any(sawNaN)
  while index < count {
    let value = values[index]
    if value.isNaN { hasNaN = true }
    if value > maximum { maximum = value }
    index += 1
  }
  if hasNaN {
    values.update(repeating: .nan, count: count)
    return
  }
  if maximum == -.infinity {
    values.update(repeating: 0, count: count)
    return
  }
  let total = Processor.exponentiate(values, count, maximum, scale)
  let inverse = V(repeating: 1 / total)
  index = 0
  while index + 4 <= count {
    raw.storeBytes(
      of: raw.loadUnaligned(fromByteOffset: index * 8, as: V.self) * inverse, toByteOffset: index * 8, as: V.self)
    index += 4
  }
  while index < count {
    values[index] *= inverse[0]
    index += 1
  }
}
