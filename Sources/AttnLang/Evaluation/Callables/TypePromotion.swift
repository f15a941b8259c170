import Attention

/// How builtins treat float32 and bfloat16 tensors: as PyTorch, a result
/// has the type its tensor arguments promote to (``DType/promoted(_:)``:
/// the widest type among tensors with axes; numbers do not widen a float32
/// tensor). Builtins with a single-precision path of their own compute in
/// it; the others compute in float64 and their results are rounded here,
/// which is what a float32 computation gives up to its last bits.
extension Builtin {
  /// Builtins whose results keep the type they were made in: conversions,
  /// files, indices, ids and sizes.
  static let keepingResultTypes: Set<String> = [
    "float32", "float64", "bfloat16", "load", "argmax", "sample", "onehot", "shape", "len", "range", "arange",
    "batch", "encode", "generate", "help", "explain", "print", "str",
  ]

  /// Parameters that hold indices, masks or biases rather than values of
  /// the computation: as PyTorch's integer targets and boolean masks, they
  /// do not widen the result.
  static let parametersNotPromoting: Set<String> = ["targets", "ids", "mask", "bias", "i"]

  /// Whether results are rounded to the arguments' type: not for
  /// ``keepingResultTypes``, nor for the builtins of lists, strings, text,
  /// files, pictures and help, which hold values rather than compute them
  /// (`list(x, y)` keeps each item as it is).
  static func promotesTypes(_ name: String, _ topic: Topic) -> Bool {
    !keepingResultTypes.contains(name) && ![.language, .session, .text, .pictures].contains(topic)
  }

  /// Runs the builtin on `arguments`; float64 tensors in its result are
  /// rounded to the type the arguments promote to when that is narrower.
  func call(_ arguments: Arguments) throws -> Value {
    let result = try run(arguments)
    guard promotesTypes, let dtype = narrowType(of: arguments) else { return result }
    return result.converted(to: dtype)
  }

  /// The type the arguments' tensors promote to, or nil when that is
  /// float64 (nearly always: the check stops at the first look when no
  /// argument holds a narrower tensor). Tensors are looked for in the
  /// arguments and the items of lists given for them (`stack(list(…))`);
  /// gradients and training look through records and lists of parameters
  /// at any depth, as they walk them themselves.
  func narrowType(of arguments: Arguments) -> DType? {
    /// Each value given for a parameter that promotes, and each variadic one.
    func forEachPromoting(_ body: (Value) -> Void) {
      for (index, argument) in arguments.values.enumerated() where promotingParameters[index] {
        if let argument { body(argument.value) }
      }
      for argument in arguments.rest { body(argument.value) }
    }
    // The common case first, allocating nothing: numbers and float64 tensors.
    var (narrow, nested) = (false, false)
    forEachPromoting { value in
      switch value {
      case .tensor(let tensor): narrow = narrow || tensor.dtype != .float64
      case .list, .record: nested = true  // looked into below
      default: break
      }
    }
    guard narrow || nested else { return nil }
    if !nested {
      // Tensors and numbers only (a float32 statement): no walk to keep.
      var promotion = DType.Promotion()
      forEachPromoting { if case .tensor(let tensor) = $0 { promotion.add(tensor) } }
      return promotion.type == .float64 ? nil : promotion.type
    }
    // The library's promotion (DType.Promotion) over the walk, without
    // collecting the tensors. The first float64 tensor with axes settles it
    // (float64 is the widest), so a float64 model's records are not walked
    // through at every step.
    let deepest = topic == .gradients || topic == .training ? Value.maximumStructureDepth : 1
    var promotion = DType.Promotion()
    var pending: [(Value, Int)] = []
    forEachPromoting { pending.append(($0, 0)) }
    while let (value, depth) = pending.popLast() {
      switch value {
      case .tensor(let tensor):
        promotion.add(tensor)
        if promotion.shaped == .float64 { return nil }
      case .list(let items) where depth < deepest:
        pending += items.map { ($0, depth + 1) }
      case .record(let record) where depth < deepest:
        pending += record.fields.map { ($0.value, depth + 1) }
      default: break
      }
    }
    return promotion.type == .float64 ? nil : promotion.type
  }
}

extension Value {
  /// This value with every float64 tensor in it (in lists and records too,
  /// up to ``maximumStructureDepth``) converted to `dtype`; a number
  /// becomes a rank-0 tensor of that type when it is the whole result
  /// (`sum(x)`), not inside a record or list (an optimizer's step count).
  ///
  /// With `replacing`, as `float32(p)` asks: every tensor and number,
  /// whatever its type (a float64 number stays a number).
  func converted(to dtype: DType, replacing: Bool = false, depth: Int = 0) -> Value {
    changed(to: dtype, replacing: replacing, depth: depth) ?? self
  }

  /// ``converted(to:replacing:depth:)`` where it differs from this value,
  /// nil where the value is kept as it is: a list or record none of whose
  /// items change (what a float32 `attend` returns) is not built again.
  private func changed(to dtype: DType, replacing: Bool, depth: Int) -> Value? {
    switch self {
    case .number(let value) where depth == 0 || replacing:
      return dtype == .float64 ? nil : .tensor(Tensor(value).converted(to: dtype))
    case .tensor(let tensor) where tensor.dtype == .float64 || replacing:
      let result = Value(tensor.converted(to: dtype))
      // The same tensor back, unless a float64 number held as one became a number.
      if tensor.dtype == dtype, case .tensor = result { return nil }
      return result
    case .list(let list) where depth < Value.maximumStructureDepth:
      var items = list.items  // shared until an item changes
      var changedAny = false
      for index in items.indices {
        if let item = items[index].changed(to: dtype, replacing: replacing, depth: depth + 1) {
          items[index] = item
          changedAny = true
        }
      }
      return changedAny ? .list(ValueList(items)) : nil
    case .record(let record) where depth < Value.maximumStructureDepth:
      var fields = record.fields  // shared until a field changes
      var changedAny = false
      for index in fields.indices {
        if let value = fields[index].value.changed(to: dtype, replacing: replacing, depth: depth + 1) {
          fields[index].value = value
          changedAny = true
        }
      }
      return changedAny ? .record(Record(fields)) : nil
    default:
      return nil
    }
  }

  /// Whether this is a number or tensor, or a record or list holding only
  /// those (at any depth up to ``maximumStructureDepth``).
  var holdsOnlyNumbers: Bool {
    var pending = [(self, 0)]
    while let (value, depth) = pending.popLast() {
      switch value {
      case .number, .tensor: continue
      case .list(let items) where depth < Value.maximumStructureDepth: pending += items.map { ($0, depth + 1) }
      case .record(let record) where depth < Value.maximumStructureDepth:
        pending += record.fields.map { ($0.value, depth + 1) }
      default: return false
      }
    }
    return true
  }
}
