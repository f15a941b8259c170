/// An n-dimensional array of `Double` scalars in row-major order.
///
/// `Tensor` is a value type: copies share storage until one of them is
/// mutated (copy-on-write through the wrapped array), and the scalars are
/// always contiguous, so kernels can run directly over `scalars`.
/// Ranks 0 (a scalar) to ``Tensor/maximumRank`` are supported.
public struct Tensor: Sendable {
  /// The highest rank a tensor may have.
  public static let maximumRank = 4

  /// The size of each axis, outermost first. Empty for a scalar.
  public private(set) var shape: [Int]
  /// The elements in row-major (C) order; `scalars.count == shape.product`.
  public internal(set) var scalars: [Double]
  /// Where this tensor was made on a gradient tape, if it was (see ``Tape``).
  var mark = TapeMark.none

  /// Creates a tensor from a shape and its row-major scalars.
  ///
  /// - Throws: ``TensorError`` when a size is negative, the rank is above
  ///   ``maximumRank``, or the number of scalars does not match the shape.
  public init(shape: [Int], scalars: [Double]) throws {
    try Tensor.validate(shape: shape, operation: "tensor")
    let count = try Tensor.elementCount(of: shape, operation: "tensor")
    guard count == scalars.count else {
      throw TensorError(
        "tensor", "shape \(Tensor.describe(shape)) needs \(count) scalars, got \(scalars.count)")
    }
    self.shape = shape
    self.scalars = scalars
  }

  /// Creates a tensor without checking; for the library's own results,
  /// whose shapes are correct by construction.
  init(unchecked shape: [Int], _ scalars: [Double]) {
    assert(shape.reduce(1, *) == scalars.count, "shape and scalar count disagree")
    self.shape = shape
    self.scalars = scalars
  }

  /// Creates a rank-0 tensor holding one value.
  public init(_ value: Double) {
    self.init(unchecked: [], [value])
  }

  /// Creates a rank-1 tensor from an array of values.
  public init(_ values: [Double]) {
    self.init(unchecked: [values.count], values)
  }

  /// Creates a rank-2 tensor from rows of equal length.
  ///
  /// - Throws: ``TensorError`` when the rows are ragged.
  public init(rows: [[Double]]) throws {
    let width = rows.first?.count ?? 0
    for (index, row) in rows.enumerated() where row.count != width {
      throw TensorError("tensor", "ragged rows: row 0 has \(width) values, row \(index) has \(row.count)")
    }
    self.init(unchecked: [rows.count, width], rows.flatMap { $0 })
  }

  /// Creates a tensor of the given shape with every element equal to `value`.
  ///
  /// - Throws: ``TensorError`` for a bad shape; ``ElementLimitExceeded``
  ///   when the current ``ExecutionContext`` does not allow that many elements.
  public init(repeating value: Double, shape: [Int]) throws {
    try Tensor.validate(shape: shape, operation: "tensor")
    self.init(unchecked: shape, try Tensor.storage(shape, repeating: value, operation: "tensor"))
  }

  /// Storage for a result of `shape`, every element `value`, checked against
  /// the current context's element limit before it is allocated.
  static func storage(_ shape: [Int], repeating value: Double = 0, operation: String) throws -> [Double] {
    try ExecutionContext.current.reserve(shape, operation: operation)
    return [Double](repeating: value, count: shape.reduce(1, *))
  }

  /// Storage for a result of `shape` whose every element the caller writes,
  /// checked against the current context's element limit before it is allocated.
  static func uninitializedStorage(_ shape: [Int], operation: String) throws -> [Double] {
    try ExecutionContext.current.reserve(shape, operation: operation)
    let count = shape.reduce(1, *)
    return [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// The number of axes.
  public var rank: Int { shape.count }
  /// The total number of elements.
  public var count: Int { scalars.count }
  /// Whether the tensor has rank 0.
  public var isScalar: Bool { shape.isEmpty }

  /// Whether this tensor was made while computing a gradient from inputs
  /// being differentiated (operations on it are then recorded).
  public var isTracked: Bool { mark.tape != 0 }

  /// The single value of a tensor with exactly one element, else `nil`.
  public var scalarValue: Double? { scalars.count == 1 ? scalars[0] : nil }

  /// Row-major strides of `shape`: how far apart neighbours along each axis are.
  public static func strides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in shape.indices.reversed() {
      strides[axis] = running
      running &*= shape[axis]
    }
    return strides
  }

  /// The number of elements a shape holds, refusing sizes that overflow `Int`.
  public static func elementCount(of shape: [Int], operation: String) throws -> Int {
    var count = 1
    for size in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      if overflow { throw TensorError(operation, "shape \(Tensor.describe(shape)) is too large") }
      count = product
    }
    return count
  }

  /// Checks that a shape has non-negative sizes, a supported rank and fits
  /// the current context's element limit (an empty tensor's other axes too:
  /// see ``ExecutionContext/reserve(_:operation:)``).
  public static func validate(shape: [Int], operation: String) throws {
    if shape.count > maximumRank {
      throw TensorError(
        operation, "rank \(shape.count) of \(Tensor.describe(shape)) exceeds the maximum rank \(maximumRank)")
    }
    if let negative = shape.first(where: { $0 < 0 }) {
      throw TensorError(operation, "negative size \(negative) in shape \(Tensor.describe(shape))")
    }
    try ExecutionContext.current.reserve(shape, operation: operation)
  }

  /// Resolves a possibly negative axis (`-1` is the last) against `rank`.
  public static func normalize(axis: Int, rank: Int, operation: String) throws -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0, resolved < rank else {
      throw TensorError(operation, "axis \(axis) is out of range for rank \(rank)")
    }
    return resolved
  }
}

extension Tensor: Equatable {
  /// Equal shapes and elements (NaN differs from itself, as for `Double`);
  /// whether either is on a gradient tape does not matter.
  public static func == (a: Tensor, b: Tensor) -> Bool { a.shape == b.shape && a.scalars == b.scalars }
}
