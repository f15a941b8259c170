/// An n-dimensional array of floating-point scalars in row-major order.
///
/// `Tensor` is a value type: copies share storage until one of them is
/// mutated (copy-on-write through the wrapped array), and the elements are
/// always contiguous, so kernels can run directly over them.
/// Ranks 0 (a scalar) to ``Tensor/maximumRank`` are supported; the
/// ``shape`` is stored inline, so the elements are the tensor's one
/// allocation.
///
/// Each tensor stores its elements as its ``dtype``: `float64` (the
/// default), `float32` or `bfloat16`. ``scalars`` reads them widened to
/// `Double` whatever the storage (exactly: every float32 and bfloat16 is a
/// double), and writing through it rounds to the tensor's type; see
/// ``converted(to:)`` and ``DType/promoted(_:)`` for how types combine.
public struct Tensor: Sendable {
  /// The highest rank a tensor may have.
  public static let maximumRank = 4

  /// The size of each axis, outermost first. Empty for a scalar.
  /// (`Array(shape)` for the sizes as an array.)
  public private(set) var shape: Shape
  /// The elements in the type they are stored in.
  var elements: Elements

  /// The elements in row-major (C) order as doubles; `scalars.count ==
  /// shape.elementCount`. A float64 tensor's are read in place; for a
  /// float32 or bfloat16 tensor reading widens (a copy) and writing rounds
  /// each value to the tensor's type. `Array(t.scalars)` gives an array.
  public internal(set) var scalars: TensorBuffer<Double> {
    get { elements.doubles }
    set { elements = Elements(rounding: newValue, to: elements.dtype) }
    _modify {
      if case .float64(var values) = elements {
        // Take the buffer out so that it is uniquely referenced while modified.
        elements = Elements.placeholder
        defer { elements = .float64(values) }
        yield &values
      } else {
        let dtype = elements.dtype
        var values = elements.doubles
        defer { elements = Elements(rounding: values, to: dtype) }
        yield &values
      }
    }
  }

  /// The type the elements are stored in.
  public var dtype: DType { elements.dtype }
  /// Where this tensor was made on a gradient tape, if it was (see ``Tape``).
  var mark = TapeMark.none

  /// Creates a tensor from a shape and its row-major scalars.
  ///
  /// - Throws: ``TensorError`` when a size is negative, the rank is above
  ///   ``maximumRank``, or the number of scalars does not match the shape.
  @_specialize(exported:true,where S == [Int])
  public init<S: Collection<Int>>(shape: S, scalars: [Double]) throws {
    try self.init(shape: shape, scalars: TensorBuffer(scalars))
  }

  /// Creates a tensor from a shape and its row-major scalars (sharing them).
  ///
  /// - Throws: as `init(shape:scalars:)`.
  @_specialize(exported:true,where S == [Int])
  public init<S: Collection<Int>>(shape: S, scalars: TensorBuffer<Double>) throws {
    try Tensor.validate(shape: shape, operation: "tensor")
    let count = try Tensor.elementCount(of: shape, operation: "tensor")
    guard count == scalars.count else {
      throw TensorError(
        "tensor", "shape \(Tensor.describe(shape)) needs \(count) scalars, got \(scalars.count)")
    }
    self.shape = Shape(shape)
    self.elements = .float64(scalars)
  }

  /// Creates a tensor of `dtype` from a shape and its row-major scalars,
  /// each rounded to the nearest value of that type.
  ///
  /// - Throws: as `init(shape:scalars:)`.
  @_specialize(exported:true,where S == [Int])
  public init<S: Collection<Int>>(shape: S, scalars: [Double], dtype: DType) throws {
    try self.init(shape: shape, scalars: TensorBuffer(scalars), dtype: dtype)
  }

  /// Creates a tensor of `dtype` from a shape and its row-major scalars,
  /// each rounded to the nearest value of that type (shared when `dtype` is float64).
  ///
  /// - Throws: as `init(shape:scalars:)`.
  @_specialize(exported:true,where S == [Int])
  public init<S: Collection<Int>>(shape: S, scalars: TensorBuffer<Double>, dtype: DType) throws {
    try self.init(shape: shape, scalars: scalars)
    if dtype != .float64 { elements = Elements(rounding: scalars, to: dtype) }
  }

  /// Creates a tensor without checking; for the library's own results,
  /// whose shapes are correct by construction.
  init(unchecked shape: Shape, _ scalars: [Double]) {
    self.init(unchecked: shape, TensorBuffer(scalars))
  }

  /// Creates a tensor without checking, sharing `scalars`.
  init(unchecked shape: Shape, _ scalars: TensorBuffer<Double>) {
    assert(shape.elementCount == scalars.count, "shape and scalar count disagree")
    self.shape = shape
    self.elements = .float64(scalars)
  }

  /// Creates a tensor of stored elements without checking.
  init(unchecked shape: Shape, elements: Elements) {
    assert(shape.elementCount == elements.count, "shape and scalar count disagree")
    self.shape = shape
    self.elements = elements
  }

  /// Creates a tensor without checking from single-precision values (shared when stored as float32).
  init(unchecked shape: Shape, floats: TensorBuffer<Float>, dtype: DType) {
    self.init(unchecked: shape, elements: Elements(floats: floats, as: dtype))
  }

  /// The elements as `Float` (rounded from a float64 tensor's).
  var floats: TensorBuffer<Float> { elements.floats }

  /// Calls `body` with a float32 tensor's elements to modify in place (no
  /// copy when they are not shared); `nil` without calling it for other types.
  mutating func withUnsafeMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R? {
    guard case .float32(var values) = elements else { return nil }
    // Take the array out so that it is uniquely referenced while modified.
    elements = Elements.placeholder
    defer { elements = .float32(values) }
    return try values.withUnsafeMutableBufferPointer { try body($0) }
  }

  /// This tensor with its elements stored as `dtype`, each rounded to the
  /// nearest value of that type (ties to even; as PyTorch's `.to(dtype)`,
  /// a double goes to bfloat16 through float32). The same tensor when it
  /// already is of that type. A tensor on a gradient tape stays on it: the
  /// gradient passes through the conversion unchanged, as through
  /// PyTorch's.
  public func converted(to dtype: DType) -> Tensor {
    guard dtype != self.dtype else { return self }
    var result = self
    if case .float64(let values) = elements {
      result.elements = Elements(rounding: values, to: dtype)
    } else {
      // float32 and bfloat16 are exact as floats (float32's without a copy).
      result.elements = Elements(floats: elements.floats, as: dtype)
    }
    return result
  }

  /// The bytes the elements occupy.
  public var byteCount: Int { elements.byteCount }

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
  @_specialize(exported:true,where S == [Int])
  public init<S: Collection<Int>>(repeating value: Double, shape: S) throws {
    try Tensor.validate(shape: shape, operation: "tensor")
    self.init(unchecked: Shape(shape), try Tensor.storage(shape, repeating: value, operation: "tensor"))
  }

  /// Storage for a result of `shape`, every element `value`, checked against
  /// the current context's element limit before it is allocated.
  static func storage(_ shape: some Collection<Int>, repeating value: Double = 0, operation: String) throws
    -> TensorBuffer<Double>
  {
    try ExecutionContext.current.reserve(shape, operation: operation)
    return TensorBuffer(repeating: value, count: shape.reduce(1, *))
  }

  /// Storage for a result of `shape` whose every element the caller writes,
  /// checked against the current context's element limit before it is allocated.
  static func uninitializedStorage(_ shape: some Collection<Int>, operation: String) throws -> TensorBuffer<Double> {
    try .uninitialized(shape, operation: operation)
  }

  /// `count` floats for a kernel to write every one of (not initialized here).
  static func uninitializedFloats(_ count: Int) -> TensorBuffer<Float> {
    TensorBuffer(uninitializedCount: count)
  }

  /// The number of axes.
  public var rank: Int { shape.count }
  /// The total number of elements.
  public var count: Int { elements.count }
  /// Whether the tensor has rank 0.
  public var isScalar: Bool { shape.isEmpty }

  /// Whether this tensor was made while computing a gradient from inputs
  /// being differentiated (operations on it are then recorded).
  public var isTracked: Bool { mark.tape != 0 }

  /// The single value of a tensor with exactly one element, else `nil`.
  public var scalarValue: Double? { count == 1 ? scalars[0] : nil }

  /// Row-major strides of `shape`: how far apart neighbours along each axis are.
  public static func strides(of shape: some BidirectionalCollection<Int>) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for (axis, size) in zip(strides.indices, shape).reversed() {
      strides[axis] = running
      running &*= size
    }
    return strides
  }

  /// The number of elements a shape holds, refusing sizes that overflow `Int`.
  @_specialize(exported:true,where S == [Int])
  public static func elementCount<S: Collection<Int>>(of shape: S, operation: String) throws -> Int {
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
  /// see ``ExecutionContext/reserve(_:operation:)``), and that no size is
  /// above ``Shape/maximumSize``.
  @_specialize(exported:true,where S == [Int])
  public static func validate<S: Collection<Int>>(shape: S, operation: String) throws {
    if shape.count > maximumRank {
      throw TensorError(
        operation, "rank \(shape.count) of \(Tensor.describe(shape)) exceeds the maximum rank \(maximumRank)")
    }
    if let negative = shape.first(where: { $0 < 0 }) {
      throw TensorError(operation, "negative size \(negative) in shape \(Tensor.describe(shape))")
    }
    try ExecutionContext.current.reserve(shape, operation: operation)
    if let huge = shape.first(where: { $0 > Shape.maximumSize }) {
      throw TensorError(
        operation, "size \(huge) in shape \(Tensor.describe(shape)) is above the largest axis, \(Shape.maximumSize)")
    }
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
  /// Equal types, shapes and elements (NaN differs from itself, as for
  /// `Double`); whether either is on a gradient tape does not matter.
  public static func == (a: Tensor, b: Tensor) -> Bool {
    a.dtype == b.dtype && a.shape == b.shape && a.scalars == b.scalars
  }
}

extension TensorBuffer where Element: KernelElement {
  /// Storage for a result of `shape` whose every element the caller writes
  /// (float64 or float32), checked against the current context's element
  /// limit before it is allocated.
  static func uninitialized(_ shape: some Collection<Int>, operation: String) throws -> TensorBuffer<Element> {
    try ExecutionContext.current.reserve(shape, operation: operation)
    let count = shape.reduce(1, *)
    return TensorBuffer(uninitializedCount: count)
  }
}
