/// Tensors written as Swift literals, nested like NumPy's `np.array`:
///
///     let q: Tensor = [1, 0]
///     let keys: Tensor = [[1, 0], [0, 1], [1, 1]]
///     let two: Tensor = 2
///
/// Rows of a nested literal must have one shape: `[[1, 2], [3]]` is a
/// programming error (a precondition failure, like an array index out of
/// range). Data from outside — a file, a student's input — goes through the
/// throwing `Tensor(shape:scalars:)` or ``Tensor/init(rows:)``.
extension Tensor: ExpressibleByArrayLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  /// A tensor whose rows are `elements` (numbers for a vector, vectors for a matrix, …).
  public init(arrayLiteral elements: Tensor...) {
    guard let first = elements.first else {
      self.init(unchecked: [0], [])
      return
    }
    precondition(
      elements.allSatisfy { $0.shape == first.shape },
      "ragged tensor literal: the elements have shapes \(elements.map { Tensor.describe($0.shape) })")
    precondition(first.rank < Tensor.maximumRank, "a tensor literal nested deeper than rank \(Tensor.maximumRank)")
    self.init(unchecked: [elements.count] + first.shape, elements.flatMap(\.scalars))
  }

  /// A rank-0 tensor: `let t: Tensor = 0.5`.
  public init(floatLiteral value: Double) {
    self.init(value)
  }

  /// A rank-0 tensor: `let t: Tensor = 2`.
  public init(integerLiteral value: Int) {
    self.init(Double(value))
  }
}
