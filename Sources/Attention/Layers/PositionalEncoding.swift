/// The sinusoidal positional encoding of Vaswani et al., "Attention Is All
/// You Need" (2017), for `n` positions in `d` dimensions:
///
///     PE[p, 2i]   = sin(p / 10000^(2i/d))
///     PE[p, 2i+1] = cos(p / 10000^(2i/d))
///
/// Each pair of columns is a rotation at its own frequency, so a fixed offset
/// between positions is a linear map of their encodings.
///
/// - Throws: ``TensorError`` for negative sizes.
public func positionalEncoding(_ n: Int, _ d: Int) throws -> Tensor {
  var result = try zeros([n, d])
  result.scalars.withUnsafeMutableBufferPointer { values in
    for p in 0..<n {
      for column in 0..<d {
        let pairIndex = Double(column - column % 2)
        let angle = Double(p) / cPow(10000, pairIndex / Double(d))
        values[p * d + column] = column % 2 == 0 ? cSin(angle) : cCos(angle)
      }
    }
  }
  return result
}
