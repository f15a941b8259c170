import Attention

extension Compiler {
  /// A `def` or lambda, compiled once, here.
  mutating func function(_ declaration: FunctionDeclaration) throws(Diagnostic) -> Compiled.Expression {
    for parameter in declaration.parameters {
      if Constants.value(named: parameter.name) != nil {
        throw Diagnostic("'\(parameter.name)' is a constant; choose another parameter name", at: parameter.range)
      }
    }
    var locals = Set<String>()
    if case .block(let block) = declaration.body { locals = Scope.assignedNames(in: block.statements) }
    let isLambda = declaration.name == "lambda"
    let inner = Scope(
      function: isLambda ? nil : declaration.name, parameters: declaration.parameters.map(\.name), locals: locals,
      parent: scope)
    var nested = Compiler(source: source, globals: globals, scope: inner, maximumStringBytes: maximumStringBytes)
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
    if callee.name == "explain", case .builtin = scope.resolve("explain", globals: globals) {
      return try explain(arguments, range: range)
    }
    if let name = callee.name, case .builtin(let builtin) = scope.resolve(name, globals: globals) {
      return try builtinCall(builtin, arguments, range: range)
    }
    let items = try argumentItems(arguments)
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

  /// A call of a builtin, its arguments placed by its signature now.
  mutating func builtinCall(_ builtin: Builtin, _ arguments: [CallArgument], range: SourceRange) throws(Diagnostic)
    -> Compiled.Expression
  {
    let items = try argumentItems(arguments)
    let placements = try builtin.signature.plan(items.map(\.label), callRange: range)
    return BuiltinCall(
      builtin, arguments: zip(items, placements).map { ($0.value, $0.range, $1) }, range: range, source: source)
  }

  /// A call's arguments, compiled in order with their labels.
  mutating func argumentItems(_ arguments: [CallArgument]) throws(Diagnostic) -> [ArgumentCode.Item] {
    var items: [ArgumentCode.Item] = []
    for argument in arguments {
      let label = argument.label.map { (name: $0, range: argument.labelRange ?? argument.value.range) }
      items.append(ArgumentCode.Item(value: try expression(argument.value), range: argument.value.range, label: label))
    }
    return items
  }

  /// `explain(CALL, rows:, cols:)`: CALL must be written out and name a
  /// builtin that can be explained; checked here, before anything runs.
  mutating func explain(_ arguments: [CallArgument], range: SourceRange) throws(Diagnostic) -> Compiled.Expression {
    let usage = "explain shows a call written inside it, such as explain(attend(q, K, V))"
    let positional = arguments.filter { $0.label == nil }
    guard positional.count == 1, let shown = positional.first else { throw Diagnostic(usage, at: range) }
    var rows: Compiled.Expression? = nil
    var cols: Compiled.Expression? = nil
    for argument in arguments where argument.label != nil {
      switch argument.label {
      case "rows": rows = try expression(argument.value)
      case "cols": cols = try expression(argument.value)
      default:
        throw Diagnostic(
          "explain has no argument '\(argument.label ?? "")'; it takes rows: and cols:",
          at: argument.labelRange ?? argument.value.range)
      }
    }
    guard case .call(let callee, let innerArguments) = shown.value.kind, let name = callee.name else {
      throw Diagnostic(usage, at: shown.value.range)
    }
    let explainable = Explainers.names.joined(separator: ", ")
    guard Explainers.table[name] != nil, case .builtin = scope.resolve(name, globals: globals) else {
      throw Diagnostic("explain can show \(explainable); not \(name)", at: callee.range)
    }
    guard let inner = try call(callee, innerArguments, range: shown.value.range) as? BuiltinCall else {
      throw Diagnostic(usage, at: shown.value.range)
    }
    return ExplainCall(inner: inner, rows: rows, cols: cols, range: range)
  }
}
