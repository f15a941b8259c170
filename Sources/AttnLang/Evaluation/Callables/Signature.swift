import Attention

/// An evaluated argument and where it was written.
struct ArgumentValue {
  var value: Value
  var range: SourceRange
}

/// A named argument as written in a call: `axis: 0`.
struct NamedArgumentValue {
  var label: String
  var labelRange: SourceRange
  var argument: ArgumentValue
}

/// A callable's name and parameters: what binding a call checks against,
/// and what help and completion show. Builtins and user functions share it.
public final class Signature: Sendable {
  public let name: String
  /// Positional parameters first (at most one variadic, last of them), then named ones.
  public let parameters: [Parameter]
  /// The positions in ``parameters`` of those given by position, in order.
  let positionalIndices: [Int]
  /// Each parameter's name packed for quick comparison (see ``key(_:)``).
  let keys: [UInt64]
  /// Each parameter's kind, for checking a call without copying its parameters.
  let kinds: [Parameter.Kind]
  /// Each parameter's default when it is a number (most are: `axis: -1`),
  /// for the body to read without building a value.
  let defaultNumbers: [Double?]

  public init(name: String, parameters: [Parameter]) {
    self.name = name
    self.parameters = parameters
    positionalIndices = parameters.indices.filter { !parameters[$0].isNamed }
    keys = parameters.map { Signature.key($0.name) }
    kinds = parameters.map(\.kind)
    defaultNumbers = parameters.map { parameter in
      guard case .value(.tensor(let tensor), _) = parameter.defaultValue, tensor.isScalar, tensor.dtype == .float64
      else { return nil }
      return tensor.scalarValue
    }
  }

  /// How the callable is called: `softmax(x, axis: -1, temperature: 1)`.
  public var text: String {
    name + "(" + parameters.map(\.signatureText).joined(separator: ", ") + ")"
  }

  /// The names a call may give as `name: value`.
  public var labels: [String] { parameters.filter { !$0.isVariadic }.map(\.name) }

  /// The names completion offers inside a call: the named parameters.
  public var namedLabels: [String] { parameters.filter(\.isNamed).map(\.name) }

  /// The first eight bytes of a name, packed: two names of at most eight
  /// bytes are equal exactly when their keys are.
  static func key(_ name: String) -> UInt64 {
    // Names in the source and literals in builtins are contiguous UTF-8:
    // read their bytes directly (the general path walks the UTF-8 view).
    if let key = name.utf8.withContiguousStorageIfAvailable({ bytes in
      var key: UInt64 = 0
      for index in 0..<min(bytes.count, 8) { key |= UInt64(bytes[index]) << UInt64(8 * index) }
      return key
    }) {
      return key
    }
    var key: UInt64 = 0
    var shift: UInt64 = 0
    for byte in name.utf8.prefix(8) {
      key |= UInt64(byte) << shift
      shift += 8
    }
    return key
  }

  /// The position of parameter `name` (a short scan: builtins look up their
  /// parameters by name at every call).
  func index(of name: String) -> Int? {
    let key = Signature.key(name)
    for index in keys.indices where keys[index] == key {
      if name.utf8.count <= 8 || parameters[index].name == name { return index }
    }
    return nil
  }

  /// Where each argument of a call goes: the parameter it binds, or nil for
  /// the variadic parameter's list. Found once for a call written with a
  /// builtin's name, at every call otherwise.
  ///
  /// - Parameter labels: each argument's label and where it is written, in
  ///   order (positional arguments have none).
  /// - Throws: a diagnostic for too many positional arguments, an unknown
  ///   name (with a suggestion), a parameter given twice, or a missing one.
  func plan(_ labels: [(name: String, range: SourceRange)?], callRange: SourceRange) throws(Diagnostic) -> [Int?] {
    var placements: [Int?] = []
    placements.reserveCapacity(labels.count)
    var given = [Bool](repeating: false, count: parameters.count)
    var next = 0
    let positionalCount = labels.count { $0 == nil }
    for label in labels {
      guard let label else {
        if next < positionalIndices.count, parameters[positionalIndices[next]].isVariadic {
          placements.append(nil)
          continue
        }
        guard next < positionalIndices.count else {
          throw Diagnostic(
            "\(name) takes \(positionalCountDescription), got \(positionalCount); usage: \(text)", at: callRange)
        }
        given[positionalIndices[next]] = true
        placements.append(positionalIndices[next])
        next += 1
        continue
      }
      guard let index = index(of: label.name), !parameters[index].isVariadic else {
        let open = parameters.indices.filter { !given[$0] && !parameters[$0].isVariadic }.map { parameters[$0].name }
        throw Diagnostic(unknownLabelMessage(label.name, suggestingFrom: open), at: label.range)
      }
      if given[index] {
        throw Diagnostic("\(name): \(label.name) is given twice (by position and by name)", at: label.range)
      }
      given[index] = true
      placements.append(index)
    }
    for (index, parameter) in parameters.enumerated() where !given[index] && parameter.isRequired {
      let what = parameter.isNamed ? parameter.name + ":" : parameter.name
      throw Diagnostic("\(name) needs \(what); usage: \(text)", at: callRange)
    }
    return placements
  }

  /// Checks each argument's kind against its parameter's.
  func check(_ values: [ArgumentValue?], rest: [ArgumentValue]) throws(Diagnostic) {
    for index in values.indices {
      if let argument = values[index], !kinds[index].accepts(argument.value) {
        try check(argument, against: parameters[index])
      }
    }
    if !rest.isEmpty, let variadic = parameters.last(where: \.isVariadic) {
      for argument in rest { try check(argument, against: variadic) }
    }
  }

  /// Matches a call's arguments to the parameters (see ``plan(_:callRange:)``)
  /// and checks their kinds.
  func bind(
    positional: [ArgumentValue], named: [NamedArgumentValue], callRange: SourceRange
  ) throws(Diagnostic) -> (values: [ArgumentValue?], rest: [ArgumentValue]) {
    let labels =
      [(name: String, range: SourceRange)?](repeating: nil, count: positional.count)
      + named.map { ($0.label, $0.labelRange) }
    let placements = try plan(labels, callRange: callRange)
    var values = [ArgumentValue?](repeating: nil, count: parameters.count)
    var rest: [ArgumentValue] = []
    for (argument, placement) in zip(positional + named.map(\.argument), placements) {
      guard let index = placement else {
        rest.append(argument)
        continue
      }
      if binds(argument, to: index) { values[index] = argument }
    }
    try check(values, rest: rest)
    return (values, rest)
  }

  /// Whether `argument` is given to the parameter at `index`: `none` for a
  /// parameter that may be left out leaves it out, as help writes such defaults.
  @inline(__always)
  func binds(_ argument: ArgumentValue, to index: Int) -> Bool {
    if case .none = argument.value { return parameters[index].isRequired }
    return true
  }

  func check(_ argument: ArgumentValue, against parameter: Parameter) throws(Diagnostic) {
    guard !parameter.kind.accepts(argument.value) else { return }
    let what = parameter.isNamed ? "\(parameter.name):" : parameter.name
    if parameter.kind == .integer, let tensor = argument.value.tensor, tensor.isScalar, let number = tensor.scalarValue
    {
      throw Diagnostic("\(name): " + integerProblem(number, what: what), at: argument.range)
    }
    throw Diagnostic(
      "\(name): \(what) must be \(parameter.kind.expectation), got \(argument.value.typeName)", at: argument.range)
  }

  /// Names `label` as unknown, suggesting the closest of `open`: the
  /// parameters the call has not given yet.
  func unknownLabelMessage(_ label: String, suggestingFrom open: [String]) -> String {
    let valid = namedLabels.map { "\($0):" }.joined(separator: ", ")
    let list = valid.isEmpty ? "\(name) takes no named arguments" : "valid names: \(valid)"
    if let suggestion = closestMatch(to: label, in: open) {
      return "\(name) has no argument '\(label)'; did you mean '\(suggestion):'? (\(list))"
    }
    return "\(name) has no argument '\(label)'; \(list)"
  }

  var positionalCountDescription: String {
    let positional = parameters.filter { !$0.isNamed }
    let most = positional.count
    let least = positional.filter(\.isRequired).count
    func plural(_ n: Int) -> String { n == 1 ? "1 positional argument" : "\(n) positional arguments" }
    if least == most { return plural(most) }
    return "\(least) to \(plural(most))"
  }
}
