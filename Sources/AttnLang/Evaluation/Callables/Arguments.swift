import Attention

/// The arguments of one call, bound to the callee's parameters (see
/// ``Signature/bind(positional:named:callRange:)``), with typed access by
/// parameter name. Kinds were checked when binding, so accessors only convert.
struct Arguments {
  let signature: Signature
  let values: [ArgumentValue?]
  /// What a variadic parameter received.
  let rest: [ArgumentValue]
  /// The whole call, where library errors are reported.
  let range: SourceRange
  /// The evaluation the call is part of, for builtins that call functions back.
  let runtime: Runtime
  /// The source the call is written in.
  let source: SourceFile

  var session: Session { runtime.session }

  var name: String { signature.name }

  /// The argument given for `parameter`, or nil when the call left it out.
  func argument(_ parameter: String) -> ArgumentValue? {
    guard let index = signature.index(of: parameter) else {
      assertionFailure("\(name) has no parameter \(parameter)")
      return nil
    }
    return values[index]
  }

  func has(_ parameter: String) -> Bool { argument(parameter) != nil }

  /// The value given for `parameter`, else its declared default.
  func value(_ parameter: String) throws(Diagnostic) -> Value {
    if let index = signature.index(of: parameter) {
      if let argument = values[index] { return argument.value }
      if let number = signature.defaultNumbers[index] { return .number(number) }
      if case .value(let constant, _) = signature.parameters[index].defaultValue { return constant.value }
    }
    throw Diagnostic("\(name) needs \(parameter); usage: \(signature.text)", at: range)
  }

  /// The number given for `parameter` or its numeric default, when it is
  /// one (read without copying a value: the common case of `double`).
  @inline(__always)
  private func plainNumber(_ parameter: String) -> Double? {
    guard let index = signature.index(of: parameter) else { return nil }
    guard let argument = values[index] else { return signature.defaultNumbers[index] }
    if case .number(let number) = argument.value { return number }
    return nil
  }

  /// Where `parameter` was written (the call when it was left out).
  func range(of parameter: String) -> SourceRange { argument(parameter)?.range ?? range }

  /// The tensor given for `parameter`; a list of numbers (or of tensors of
  /// one shape) counts as the tensor they stack into, as NumPy takes lists.
  func tensor(_ parameter: String) throws(Diagnostic) -> Tensor {
    let value = try value(parameter)
    if let tensor = value.tensor { return tensor }
    if case .list(let items) = value, !items.isEmpty {
      var tensors: [Tensor] = []
      for item in items {
        guard let tensor = item.tensor else {
          throw Diagnostic(
            "\(name): \(parameter) must be a tensor, or a list of numbers or tensors; it holds a \(item.typeName)",
            at: range(of: parameter))
        }
        tensors.append(tensor)
      }
      return try runtime.library(range(of: parameter), as: name) { try stack(tensors) }
    }
    throw Diagnostic("\(name): \(parameter) must be a tensor, got \(value.typeName)", at: range(of: parameter))
  }

  /// The tensor given for an optional parameter, or nil.
  func optionalTensor(_ parameter: String) throws(Diagnostic) -> Tensor? {
    has(parameter) ? try tensor(parameter) : nil
  }

  func double(_ parameter: String) throws(Diagnostic) -> Double {
    if let number = plainNumber(parameter) { return number }
    if case .number(let number) = try value(parameter) { return number }
    let tensor = try tensor(parameter)
    guard let number = tensor.scalarValue else {
      throw Diagnostic(
        "\(name): \(parameter) must be a number, got \(Value.tensor(tensor).typeName)", at: range(of: parameter))
    }
    return number
  }

  /// The number given for an optional parameter, or nil.
  func optionalDouble(_ parameter: String) throws(Diagnostic) -> Double? {
    has(parameter) ? try double(parameter) : nil
  }

  func int(_ parameter: String) throws(Diagnostic) -> Int {
    let number = try double(parameter)
    guard let whole = exactInteger(number) else {
      throw Diagnostic("\(name): " + integerProblem(number, what: parameter), at: range(of: parameter))
    }
    return whole
  }

  /// The whole number given for an optional parameter, or nil.
  func optionalInt(_ parameter: String) throws(Diagnostic) -> Int? {
    has(parameter) ? try int(parameter) : nil
  }

  func bool(_ parameter: String) throws(Diagnostic) -> Bool { try double(parameter) != 0 }

  func string(_ parameter: String) throws(Diagnostic) -> String {
    let value = try value(parameter)
    guard case .string(let text) = value else {
      throw Diagnostic(
        "\(name): \(parameter) must be a string in quotes, got \(value.typeName)", at: range(of: parameter))
    }
    return text
  }

  /// The string given for an optional parameter, or nil.
  func optionalString(_ parameter: String) throws(Diagnostic) -> String? {
    has(parameter) ? try string(parameter) : nil
  }

  /// A list of `count` strings given for `parameter` (`rows: ["a", "b"]`), or nil.
  func labels(_ parameter: String, count: Int) throws(Diagnostic) -> [String]? {
    guard let argument = argument(parameter), case .list(let items) = argument.value else { return nil }
    var strings: [String] = []
    for item in items {
      if case .string(let text) = item { strings.append(text) }
    }
    guard strings.count == count else {
      throw Diagnostic(
        "\(name): \(parameter): has \(strings.count) labels for \(count) positions", at: argument.range)
    }
    return strings
  }

  /// The element type named by `dtype:` ("float64" when left out).
  func dtype(_ parameter: String = "dtype") throws(Diagnostic) -> DType {
    guard has(parameter) else { return .float64 }
    let name = try string(parameter)
    guard let dtype = DType(rawValue: name) else {
      var message = "\(self.name): \(parameter) must be \"float64\", \"float32\" or \"bfloat16\", got \"\(name)\""
      if let suggestion = closestMatch(to: name, in: DType.allCases.map(\.rawValue)) {
        message += "; did you mean \"\(suggestion)\"?"
      }
      throw Diagnostic(message, at: range(of: parameter))
    }
    return dtype
  }

  /// A non-negative seed for the random generator; default 0.
  func seed() throws(Diagnostic) -> UInt64 {
    let value = try int("seed")
    guard value >= 0 else {
      throw Diagnostic("\(name): seed: must be non-negative, got \(value)", at: range(of: "seed"))
    }
    return UInt64(value)
  }

  /// Every tensor a variadic parameter received (`concat(a, b, c)`), or the
  /// items of one list given instead (`stack(rows)`).
  func restTensors() throws(Diagnostic) -> [Tensor] {
    var tensors: [Tensor] = []
    var arguments = rest
    if rest.count == 1, case .list(let items) = rest[0].value {
      arguments = items.map { ArgumentValue(value: $0, range: rest[0].range) }
    }
    for argument in arguments {
      guard let tensor = argument.value.tensor else {
        throw Diagnostic("\(name): expected tensors, got \(argument.value.typeName)", at: argument.range)
      }
      tensors.append(tensor)
    }
    return tensors
  }

  /// Sizes given by a variadic parameter, either as numbers (`zeros(2, 3)`)
  /// or as one shape tensor (`zeros([2, 3])`, `zeros(shape(x))`).
  /// `allowInferred` lets one size be -1 (`reshape`).
  func dims(allowInferred: Bool = false) throws(Diagnostic) -> [Int] {
    var sizes: [(Double, SourceRange)] = []
    if rest.count == 1, case .tensor(let tensor) = rest[0].value, tensor.rank == 1 {
      sizes = tensor.scalars.map { ($0, rest[0].range) }
    } else {
      for argument in rest {
        guard let tensor = argument.value.tensor, tensor.isScalar, let value = tensor.scalarValue else {
          throw Diagnostic("\(name): size must be a whole number, got \(argument.value.typeName)", at: argument.range)
        }
        sizes.append((value, argument.range))
      }
    }
    var result: [Int] = []
    for (value, range) in sizes {
      guard let size = exactInteger(value) else {
        throw Diagnostic("\(name): " + integerProblem(value, what: "size"), at: range)
      }
      guard size >= 0 || (allowInferred && size == -1) else {
        throw Diagnostic("\(name): sizes must be non-negative, got \(size)", at: range)
      }
      result.append(size)
    }
    guard result.count <= Tensor.maximumRank else {
      throw Diagnostic(
        "\(name): rank \(result.count) of \(Tensor.describe(result)) exceeds the maximum rank \(Tensor.maximumRank)",
        at: range)
    }
    return result
  }
}

extension Arguments {
  /// The function given for `parameter`.
  func function(_ parameter: String) throws(Diagnostic) -> Function {
    let value = try value(parameter)
    guard case .function(let function) = value else {
      throw Diagnostic("\(name): \(parameter) must be a function, got \(value.typeName)", at: range(of: parameter))
    }
    return function
  }

  /// Calls `function` on `values` on behalf of this builtin.
  func call(_ function: Function, _ values: [Value]) throws(Diagnostic) -> Value {
    try runtime.call(function, values, at: range, source: source)
  }
}
