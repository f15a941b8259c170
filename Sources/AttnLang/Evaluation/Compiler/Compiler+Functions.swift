import Attention

extension Compiler {
  init(source: SourceFile, globals: Globals, scope: Scope) {
    self.source = source
    self.globals = globals
    self.scope = scope
  }

  /// A `def` or lambda: compiled once, here; each time it runs it makes a
  /// function value holding the values it captures from the function around it.
  mutating func function(_ declaration: FunctionDeclaration) throws(Diagnostic) -> Compiled.Expression {
    for parameter in declaration.parameters {
      if Builtins.table[parameter.name] != nil {
        throw Diagnostic(
          "'\(parameter.name)' is a builtin function; choose another parameter name", at: parameter.range)
      }
      if Constants.values[parameter.name] != nil {
        throw Diagnostic("'\(parameter.name)' is a constant; choose another parameter name", at: parameter.range)
      }
    }
    var locals = Set<String>()
    if case .block(let block) = declaration.body { locals = Scope.assignedNames(in: block.statements) }
    let isLambda = declaration.name == "lambda"
    let inner = Scope(
      function: isLambda ? nil : declaration.name, parameters: declaration.parameters.map(\.name), locals: locals,
      parent: scope)
    var nested = Compiler(source: source, globals: globals, scope: inner)
    var defaults: [(slot: Int, compute: Compiled.Expression)] = []
    for (index, parameter) in declaration.parameters.enumerated() {
      if let defaultValue = parameter.defaultValue { defaults.append((index, try nested.expression(defaultValue))) }
    }
    let body: Compiled.Expression
    switch declaration.body {
    case .expression(let expr):
      body = try nested.expression(expr)
    case .block(let block):
      let run = try nested.block(block)
      body = { (frame: Frame) throws(Diagnostic) -> Value in
        if case .returned(let value) = try run(frame) { return value }
        return .none
      }
    }
    let signature = Signature(
      name: declaration.name,
      parameters: declaration.parameters.map { parameter in
        guard let defaultValue = parameter.defaultValue else { return .positional(parameter.name, .any, "") }
        return .computed(parameter.name, shown: self.source.text(in: defaultValue.range))
      })
    let captures = inner.captures
    let slotCount = inner.slotCount
    let source = self.source
    return { (frame: Frame) throws(Diagnostic) -> Value in
      var captured: [(slot: Int, value: Value?)] = []
      for capture in captures {
        switch capture.outer {
        case .local(let slot): captured.append((capture.slot, frame.slots[slot]))
        case .currentFunction: captured.append((capture.slot, frame.function.map { .function($0) }))
        default: captured.append((capture.slot, nil))
        }
      }
      return .function(
        Function(
          UserFunction(
            declaration: declaration, source: source, signature: signature, slotCount: slotCount,
            defaults: defaults, captured: captured, body: body)))
    }
  }

  /// A call: of a builtin named directly (found once, here), or of whatever
  /// function value the callee gives.
  mutating func call(_ callee: Expr, _ arguments: [CallArgument], range: SourceRange) throws(Diagnostic)
    -> Compiled.Expression
  {
    let evaluate = try self.arguments(arguments)
    let source = self.source
    if let name = callee.name, case .builtin(let builtin) = scope.resolve(name, globals: globals) {
      let function = Builtins.function(builtin)
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (positional, named) = try evaluate(frame)
        return try frame.runtime.call(function, positional: positional, named: named, range: range, source: source)
      }
    }
    let calleeValue: Compiled.Expression
    if let name = callee.name {
      calleeValue = try read(name, at: callee.range, calling: true)
    } else {
      calleeValue = try expression(callee)
    }
    let calleeRange = callee.range
    let calleeName = callee.name
    return { (frame: Frame) throws(Diagnostic) -> Value in
      let value = try calleeValue(frame)
      guard case .function(let function) = value else {
        let what =
          calleeName.map { "'\($0)' is a \(value.typeName), not a function" } ?? "a \(value.typeName) is not a function"
        throw Diagnostic("\(what); only functions can be called", at: calleeRange)
      }
      let (positional, named) = try evaluate(frame)
      return try frame.runtime.call(function, positional: positional, named: named, range: range, source: source)
    }
  }

  typealias EvaluatedArguments = (positional: [ArgumentValue], named: [NamedArgumentValue])

  /// The arguments of a call, evaluated left to right.
  mutating func arguments(_ arguments: [CallArgument]) throws(Diagnostic) -> (Frame) throws(Diagnostic) ->
    EvaluatedArguments
  {
    let values = try expressions(arguments.map(\.value))
    let ranges = arguments.map(\.value.range)
    let labels = arguments.map { argument in argument.label.map { ($0, argument.labelRange ?? argument.value.range) } }
    let positionalCount = labels.count { $0 == nil }
    return { (frame: Frame) throws(Diagnostic) -> EvaluatedArguments in
      var positional: [ArgumentValue] = []
      positional.reserveCapacity(positionalCount)
      var named: [NamedArgumentValue] = []
      for index in values.indices {
        let argument = ArgumentValue(value: try values[index](frame), range: ranges[index])
        if let (label, labelRange) = labels[index] {
          named.append(NamedArgumentValue(label: label, labelRange: labelRange, argument: argument))
        } else {
          positional.append(argument)
        }
      }
      return (positional, named)
    }
  }
}
