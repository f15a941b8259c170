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
public struct Signature: Sendable {
  public let name: String
  /// Positional parameters first (at most one variadic, last of them), then named ones.
  public let parameters: [Parameter]
  /// The positions in ``parameters`` of those given by position, in order.
  let positionalIndices: [Int]

  public init(name: String, parameters: [Parameter]) {
    self.name = name
    self.parameters = parameters
    positionalIndices = parameters.indices.filter { !parameters[$0].isNamed }
  }

  /// How the callable is called: `softmax(x, axis: -1, temperature: 1)`.
  public var text: String {
    name + "(" + parameters.map(\.signatureText).joined(separator: ", ") + ")"
  }

  /// The names a call may give as `name: value`.
  public var labels: [String] { parameters.filter { !$0.isVariadic }.map(\.name) }

  /// The names completion offers inside a call: the named parameters.
  public var namedLabels: [String] { parameters.filter(\.isNamed).map(\.name) }

  func index(of name: String) -> Int? { parameters.firstIndex { $0.name == name } }

  /// Matches a call's arguments to the parameters: positional arguments in
  /// order, then named ones by name; checks counts, names and kinds.
  ///
  /// - Throws: a diagnostic at the offending argument: too many positional
  ///   arguments, an unknown name (with a suggestion), a parameter given
  ///   twice, a missing one, or a value of the wrong kind.
  func bind(
    positional: [ArgumentValue], named: [NamedArgumentValue], callRange: SourceRange
  ) throws(Diagnostic) -> (values: [ArgumentValue?], rest: [ArgumentValue]) {
    var values = [ArgumentValue?](repeating: nil, count: parameters.count)
    var rest: [ArgumentValue] = []
    let positionalParameters = positionalIndices
    var next = 0
    for argument in positional {
      if next < positionalParameters.count, parameters[positionalParameters[next]].isVariadic {
        rest.append(argument)
        continue
      }
      guard next < positionalParameters.count else {
        throw Diagnostic(
          "\(name) takes \(positionalCountDescription), got \(positional.count); usage: \(text)", at: callRange)
      }
      values[positionalParameters[next]] = argument
      next += 1
    }
    for item in named {
      guard let index = index(of: item.label), !parameters[index].isVariadic else {
        let open = parameters.indices.filter { values[$0] == nil && !parameters[$0].isVariadic }.map {
          parameters[$0].name
        }
        throw Diagnostic(unknownLabelMessage(item.label, suggestingFrom: open), at: item.labelRange)
      }
      if values[index] != nil {
        throw Diagnostic("\(name): \(item.label) is given twice (by position and by name)", at: item.labelRange)
      }
      values[index] = item.argument
    }
    for (index, parameter) in parameters.enumerated() {
      if let argument = values[index] {
        try check(argument, against: parameter)
      } else if parameter.isRequired {
        let what = parameter.isNamed ? parameter.name + ":" : parameter.name
        throw Diagnostic("\(name) needs \(what); usage: \(text)", at: callRange)
      }
    }
    if let variadic = parameters.first(where: \.isVariadic) {
      for argument in rest { try check(argument, against: variadic) }
    }
    return (values, rest)
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
