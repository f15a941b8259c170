import Attention

/// The evaluated arguments of one builtin call, with accessors that check
/// types and report mistakes at the offending argument.
struct Arguments {
  let builtin: Builtin
  /// The whole call, where library errors are reported.
  let range: SourceRange
  let positional: [(value: Value, range: SourceRange)]
  let named: [String: (value: Value, range: SourceRange)]
  let session: Session

  var count: Int { positional.count }
  var name: String { builtin.name }

  func has(_ label: String) -> Bool { named[label] != nil }

  func tensor(_ index: Int) throws(Diagnostic) -> Tensor {
    try tensor(positional[index], what: "argument \(index + 1)")
  }

  func tensor(_ label: String) throws(Diagnostic) -> Tensor? {
    guard let argument = named[label] else { return nil }
    return try tensor(argument, what: "\(label):")
  }

  func tensor(_ argument: (value: Value, range: SourceRange), what: String) throws(Diagnostic) -> Tensor {
    guard case .tensor(let tensor) = argument.value else {
      throw Diagnostic("\(name): \(what) must be a tensor, got \(argument.value.typeName)", at: argument.range)
    }
    return tensor
  }

  /// Every positional argument as a tensor (for `concat` and `stack`),
  /// refusing a result larger than the element limit.
  func allTensors() throws(Diagnostic) -> [Tensor] {
    var tensors: [Tensor] = []
    for index in 0..<count { tensors.append(try tensor(index)) }
    try check([tensors.reduce(0) { $0 + $1.count }])
    return tensors
  }

  func int(_ index: Int) throws(Diagnostic) -> Int {
    try int(positional[index], what: "argument \(index + 1)")
  }

  func int(_ label: String) throws(Diagnostic) -> Int? {
    guard let argument = named[label] else { return nil }
    return try int(argument, what: "\(label):")
  }

  func int(_ argument: (value: Value, range: SourceRange), what: String) throws(Diagnostic) -> Int {
    guard case .tensor(let tensor) = argument.value, tensor.isScalar, let value = tensor.scalarValue else {
      throw Diagnostic("\(name): \(what) must be a whole number, got \(argument.value.typeName)", at: argument.range)
    }
    guard let whole = exactInteger(value) else {
      throw Diagnostic("\(name): " + integerProblem(value, what: what), at: argument.range)
    }
    return whole
  }

  func double(_ label: String, default defaultValue: Double) throws(Diagnostic) -> Double {
    guard let argument = named[label] else { return defaultValue }
    guard case .tensor(let tensor) = argument.value, tensor.isScalar, let value = tensor.scalarValue else {
      throw Diagnostic("\(name): \(label): must be a number, got \(argument.value.typeName)", at: argument.range)
    }
    return value
  }

  func bool(_ label: String) throws(Diagnostic) -> Bool {
    guard let argument = named[label] else { return false }
    guard case .tensor(let tensor) = argument.value, tensor.isScalar, let value = tensor.scalarValue,
      value == 0 || value == 1
    else {
      throw Diagnostic("\(name): \(label): must be true or false, got \(argument.value.typeName)", at: argument.range)
    }
    return value == 1
  }

  func string(_ index: Int) throws(Diagnostic) -> String {
    guard case .string(let text) = positional[index].value else {
      throw Diagnostic(
        "\(name): argument \(index + 1) must be a string in quotes, got \(positional[index].value.typeName)",
        at: positional[index].range)
    }
    return text
  }

  /// A non-negative seed for the random generator; default 0.
  func seed() throws(Diagnostic) -> UInt64 {
    guard let argument = named["seed"] else { return 0 }
    let value = try int(argument, what: "seed:")
    guard value >= 0 else { throw Diagnostic("\(name): seed: must be non-negative, got \(value)", at: argument.range) }
    return UInt64(value)
  }

  /// Sizes given from position `start` on, either as numbers (`zeros(2, 3)`)
  /// or as one shape tensor (`zeros([2, 3])`, `zeros(shape(x))`).
  func dims(from start: Int) throws(Diagnostic) -> [Int] {
    if positional.count == start + 1, case .tensor(let tensor) = positional[start].value, tensor.rank == 1 {
      var sizes: [Int] = []
      for value in tensor.scalars {
        guard let size = exactInteger(value), size >= 0 || (builtin.name == "reshape" && size == -1) else {
          throw Diagnostic(
            "\(name): sizes must be non-negative whole numbers, got \(value)", at: positional[start].range)
        }
        sizes.append(size)
      }
      return try checked(sizes)
    }
    var sizes: [Int] = []
    for index in start..<positional.count {
      let size = try int(positional[index], what: "size")
      guard size >= 0 || (builtin.name == "reshape" && size == -1) else {
        throw Diagnostic("\(name): sizes must be non-negative, got \(size)", at: positional[index].range)
      }
      sizes.append(size)
    }
    return try checked(sizes)
  }

  private func checked(_ sizes: [Int]) throws(Diagnostic) -> [Int] {
    guard sizes.count <= Tensor.maximumRank else {
      throw Diagnostic(
        "\(name): rank \(sizes.count) of \(describe(shape: sizes)) exceeds the maximum rank \(Tensor.maximumRank)",
        at: range)
    }
    if builtin.name != "reshape" { try check(sizes) }
    return sizes
  }

  /// Refuses a result of `shape` larger than the session's element limit.
  func check(_ shape: [Int]) throws(Diagnostic) {
    try session.checkSize(shape, at: range, operation: name)
  }
}
