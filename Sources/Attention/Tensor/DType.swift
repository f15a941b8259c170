import _AttentionKernels

/// The element type a tensor stores.
///
/// `float64` is the default and what every operation computes in unless a
/// tensor says otherwise; `float32` halves the memory and doubles the SIMD
/// lanes; `bfloat16` stores the top 16 bits of a float32 (8 exponent bits,
/// 7 mantissa bits) and, as PyTorch on a CPU, is computed in float32 and
/// rounded back after each operation.
public enum DType: String, CaseIterable, Sendable, Comparable {
  case bfloat16
  case float32
  case float64

  /// Bytes per element in storage.
  public var byteCount: Int {
    switch self {
    case .bfloat16: 2
    case .float32: 4
    case .float64: 8
    }
  }

  /// Orders by precision, so the wider of two types is their `max`
  /// (PyTorch's promotion among floating types: bfloat16 < float32 < float64).
  public static func < (a: DType, b: DType) -> Bool { a.byteCount < b.byteCount }

  /// The type an operation on `tensors` computes and returns, as PyTorch
  /// promotes: the widest type among the tensors with at least one axis;
  /// rank-0 tensors (numbers) count only when every operand is rank 0, so
  /// `x * 2` keeps a float32 `x` float32.
  public static func promoted(_ tensors: [Tensor]) -> DType {
    var promotion = Promotion()
    for tensor in tensors { promotion.add(tensor) }
    return promotion.type
  }

  /// ``promoted(_:)`` taken one tensor at a time, for operands not in an
  /// array (attention's queries, keys and values) or found by walking
  /// values (a record of parameters).
  public struct Promotion: Sendable {
    /// The widest type among the tensors with axes added so far.
    public private(set) var shaped: DType?
    /// The widest type among the rank-0 tensors added so far.
    public private(set) var scalar: DType?

    /// No tensors yet (their type is float64).
    public init() {}

    /// Counts `tensor` in the promotion.
    public mutating func add(_ tensor: Tensor) {
      if tensor.rank == 0 {
        scalar = max(scalar ?? tensor.dtype, tensor.dtype)
      } else {
        shaped = max(shaped ?? tensor.dtype, tensor.dtype)
      }
    }

    /// The type the tensors added so far promote to.
    public var type: DType { shaped ?? scalar ?? .float64 }
  }

  /// ``promoted(_:)`` of two tensors, without building an array.
  @inline(__always)
  public static func promoted(_ a: Tensor, _ b: Tensor) -> DType {
    let (x, y) = (a.dtype, b.dtype)
    if x == y { return x }
    if a.rank == 0 && b.rank != 0 { return y }
    if b.rank == 0 && a.rank != 0 { return x }
    return max(x, y)
  }
}

extension Float {
  /// The bfloat16 nearest this value (ties to even; NaN stays a quiet NaN),
  /// as its 16 bits: the top half of a float32 after rounding.
  @inline(__always)
  public var bfloat16Bits: UInt16 {
    let bits = bitPattern
    if isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
    let bias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ bias) >> 16)
  }

  /// The float32 a bfloat16's 16 bits stand for (exact: a bfloat16 is a float32 with its low half zero).
  @inline(__always)
  public init(bfloat16Bits bits: UInt16) {
    self.init(bitPattern: UInt32(bits) << 16)
  }
}

/// A tensor's elements in the type it stores them in.
enum Elements: Sendable {
  case float64(TensorBuffer<Double>)
  case float32(TensorBuffer<Float>)
  case bfloat16(TensorBuffer<UInt16>)

  var dtype: DType {
    switch self {
    case .float64: .float64
    case .float32: .float32
    case .bfloat16: .bfloat16
    }
  }

  var count: Int {
    switch self {
    case .float64(let values): values.count
    case .float32(let values): values.count
    case .bfloat16(let values): values.count
    }
  }

  /// The elements widened to `Double` (exact: every float32 and bfloat16 is a double).
  var doubles: TensorBuffer<Double> {
    switch self {
    case .float64(let values): return values
    case .float32(let values): return converting(values, attn_widen_float32)
    case .bfloat16(let values): return converting(values, attn_bfloat16_to_float64)
    }
  }

  /// The elements as `Float`: exact for float32 and bfloat16, rounded from float64.
  var floats: TensorBuffer<Float> {
    switch self {
    case .float64(let values): return converting(values, attn_narrow_float64)
    case .float32(let values): return values
    case .bfloat16(let values): return converting(values, attn_bfloat16_to_float32)
    }
  }

  /// `values` rounded (to nearest, ties to even) and stored as `dtype`.
  init(rounding values: TensorBuffer<Double>, to dtype: DType) {
    switch dtype {
    case .float64: self = .float64(values)
    case .float32: self = .float32(converting(values, attn_narrow_float64))
    case .bfloat16: self = .bfloat16(converting(values, attn_float64_to_bfloat16))
    }
  }

  /// Single-precision `values` stored as `dtype` (rounded for bfloat16, widened for float64).
  init(floats values: TensorBuffer<Float>, as dtype: DType) {
    switch dtype {
    case .float64: self = .float64(converting(values, attn_widen_float32))
    case .float32: self = .float32(values)
    case .bfloat16: self = .bfloat16(converting(values, attn_float32_to_bfloat16))
    }
  }

  /// What a tensor's elements are while they are taken out to be modified
  /// in place (so that they are uniquely referenced): no allocation of its own.
  static var placeholder: Elements { .bfloat16(emptyHalves) }

  /// Bytes held by the elements.
  var byteCount: Int { count * dtype.byteCount }
}

/// The empty elements of ``Elements/placeholder``, made once.
private let emptyHalves = TensorBuffer<UInt16>(repeating: 0, count: 0)

/// `values` converted element by element by one of the C conversions
/// (`Sources/_AttentionKernels/Conversions.c`: a loop the compiler
/// vectorizes, and fast in a debug build too).
private func converting<Source, Target>(
  _ values: TensorBuffer<Source>, _ convert: (UnsafePointer<Source>?, UnsafeMutablePointer<Target>?, Int) -> Void
) -> TensorBuffer<Target> {
  TensorBuffer(unsafeUninitializedCount: values.count) { target in
    values.withUnsafeBufferPointer { source in convert(source.baseAddress, target.baseAddress, values.count) }
  }
}

/// A rearrangement of elements that does not look at their values (a
/// transpose, a gather, a row pick), written once for every storage type.
protocol ElementMove {
  func callAsFunction<Element: BitwiseCopyable>(_ values: TensorBuffer<Element>) -> TensorBuffer<Element>
}

extension Elements {
  /// The elements rearranged by `move`, in the same storage type.
  func applying(_ move: some ElementMove) -> Elements {
    switch self {
    case .float64(let values): .float64(move(values))
    case .float32(let values): .float32(move(values))
    case .bfloat16(let values): .bfloat16(move(values))
    }
  }
}
