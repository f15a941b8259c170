import Attention

extension Compiler {
  /// A `def` or lambda, compiled once, here.
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
    case .expression(let expr): body = try nested.expression(expr)
    case .block(let block): body = FunctionBody(try nested.block(block))
    }
    let signature = Signature(
      name: declaration.name,
      parameters: declaration.parameters.map { parameter in
        guard let defaultValue = parameter.defaultValue else { return .positional(parameter.name, .any, "") }
        return .computed(parameter.name, shown: source.text(in: defaultValue.range))
      })
    let captures = inner.captures.compactMap { capture -> (from: MakeFunction.Capture, slot: Int)? in
      switch capture.outer {
      case .local(let index): return (.local(index), capture.slot)
      case .currentFunction: return (.currentFunction, capture.slot)
      default: return nil
      }
    }
    return MakeFunction(
      declaration: declaration, source: source, signature: signature, slotCount: inner.slotCount,
      defaults: defaults, captures: captures, body: body)
  }

  /// A call: of a builtin named directly (found once, here), or of whatever
  /// function value the callee gives.
  mutating func call(_ callee: Expr, _ arguments: [CallArgument], range: SourceRange) throws(Diagnostic)
    -> Compiled.Expression
  {
    var items: [ArgumentCode.Item] = []
    for argument in arguments {
      let label = argument.label.map { (name: $0, range: argument.labelRange ?? argument.value.range) }
      items.append(ArgumentCode.Item(value: try expression(argument.value), range: argument.value.range, label: label))
    }
    if let name = callee.name, case .builtin(let builtin) = scope.resolve(name, globals: globals) {
      let placements = try builtin.signature.plan(items.map(\.label), callRange: range)
      return BuiltinCall(
        builtin, arguments: zip(items, placements).map { ($0.value, $0.range, $1) }, range: range, source: source)
    }
    let code = ArgumentCode(items)
    let value: Compiled.Expression
    if let name = callee.name {
      value = try read(name, at: callee.range, calling: true)
    } else {
      value = try expression(callee)
    }
    return DynamicCall(
      callee: value, calleeName: callee.name, calleeRange: callee.range, arguments: code, range: range,
      source: source)
  }
}
