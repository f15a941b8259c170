import Attention

/// Turns statements into closures once, resolving every name to a slot, so
/// that running a loop or a function never looks at the syntax tree again
/// (the tree-walker of Crafting Interpreters, with Lua's resolved locals).
///
/// Compilation finds the mistakes that need no running: `break` outside a
/// loop, `return` outside a function, assigning to a builtin or a constant.
struct Compiler {
  let source: SourceFile
  let globals: Globals
  var scope: Scope

  init(source: SourceFile, globals: Globals) {
    self.source = source
    self.globals = globals
    self.scope = Scope()
  }

  // MARK: Statements

  mutating func statements(_ statements: [Statement]) throws(Diagnostic) -> Compiled.Statement {
    var compiled: [Compiled.Statement] = []
    for statement in statements { compiled.append(try self.statement(statement)) }
    switch compiled.count {
    case 0: return { _ in .next }
    case 1: return compiled[0]
    default:
      return { (frame: Frame) throws(Diagnostic) -> Flow in
        for run in compiled {
          let flow = try run(frame)
          if case .next = flow { continue }
          return flow
        }
        return .next
      }
    }
  }

  mutating func statement(_ statement: Statement) throws(Diagnostic) -> Compiled.Statement {
    switch statement.kind {
    case .expression(let expr):
      let value = try expression(expr)
      guard !scope.isFunction else {
        return { (frame: Frame) throws(Diagnostic) -> Flow in
          _ = try value(frame)
          return .next
        }
      }
      let ans = globals.slot(for: "ans")
      let silent = statement.isSilent
      return { (frame: Frame) throws(Diagnostic) -> Flow in
        let result = try value(frame)
        if case .none = result { return .next }
        frame.runtime.globals.store(result, at: ans)
        if !silent { frame.runtime.show(result) }
        return .next
      }
    case .assign(let target, let value):
      return try assignment(target, value)
    case .function(let declaration):
      let make = try function(declaration)
      let store = try assign(to: declaration.name, at: declaration.nameRange)
      return { (frame: Frame) throws(Diagnostic) -> Flow in
        store(frame, try make(frame))
        return .next
      }
    case .if(let branches, let otherwise):
      return try conditional(branches, otherwise)
    case .for(let name, let nameRange, let sequence, let body):
      return try forLoop(name, nameRange, sequence, body)
    case .while(let condition, let body):
      return try whileLoop(condition, body)
    case .break:
      guard scope.loopDepth > 0 else { throw Diagnostic("'break' is only allowed inside a loop", at: statement.range) }
      return { _ in .breakLoop }
    case .continue:
      guard scope.loopDepth > 0 else {
        throw Diagnostic("'continue' is only allowed inside a loop", at: statement.range)
      }
      return { _ in .continueLoop }
    case .return(let expr):
      guard scope.isFunction else {
        throw Diagnostic("'return' is only allowed inside a function", at: statement.range)
      }
      guard let expr else { return { _ in .returned(.none) } }
      let value = try expression(expr)
      return { (frame: Frame) throws(Diagnostic) -> Flow in .returned(try value(frame)) }
    }
  }

  mutating func block(_ block: Block) throws(Diagnostic) -> Compiled.Statement {
    try statements(block.statements)
  }

  mutating func conditional(_ branches: [ConditionalBlock], _ otherwise: Block?) throws(Diagnostic)
    -> Compiled.Statement
  {
    var arms: [(test: Compiled.Expression, range: SourceRange, body: Compiled.Statement)] = []
    for branch in branches {
      arms.append((try expression(branch.condition), branch.condition.range, try block(branch.body)))
    }
    var fallback: Compiled.Statement? = nil
    if let otherwise { fallback = try block(otherwise) }
    return { (frame: Frame) throws(Diagnostic) -> Flow in
      for arm in arms where try truth(try arm.test(frame), at: arm.range) {
        return try arm.body(frame)
      }
      return try fallback?(frame) ?? .next
    }
  }

  mutating func whileLoop(_ condition: Expr, _ body: Block) throws(Diagnostic) -> Compiled.Statement {
    let test = try expression(condition)
    scope.loopDepth += 1
    let run = try block(body)
    scope.loopDepth -= 1
    let range = condition.range
    return { (frame: Frame) throws(Diagnostic) -> Flow in
      let runtime = frame.runtime
      while try truth(try test(frame), at: range) {
        try runtime.checkStop(at: range)
        switch try run(frame) {
        case .next, .continueLoop: continue
        case .breakLoop: return .next
        case .returned(let value): return .returned(value)
        }
      }
      return .next
    }
  }

  mutating func forLoop(_ name: String, _ nameRange: SourceRange, _ sequence: Expr, _ body: Block) throws(Diagnostic)
    -> Compiled.Statement
  {
    let store = try assign(to: name, at: nameRange)
    let numbers = try rangeArguments(sequence)
    let items = try numbers == nil ? expression(sequence) : { _ in .none }
    scope.loopDepth += 1
    let run = try block(body)
    scope.loopDepth -= 1
    let range = sequence.range
    // One step: the loop's verdict, or nil to go on.
    func step(_ frame: Frame, _ item: Value) throws(Diagnostic) -> Flow? {
      try frame.runtime.checkStop(at: range)
      store(frame, item)
      switch try run(frame) {
      case .next, .continueLoop: return nil
      case .breakLoop: return .next
      case .returned(let value): return .returned(value)
      }
    }
    if let numbers {
      // `for i in range(…)` counts without making the list.
      return { (frame: Frame) throws(Diagnostic) -> Flow in
        let (start, end, stride) = try numbers(frame)
        var index = start
        while stride > 0 ? index < end : index > end {
          if let flow = try step(frame, .number(index)) { return flow }
          index += stride
        }
        return .next
      }
    }
    return { (frame: Frame) throws(Diagnostic) -> Flow in
      let sequence = try items(frame)
      let count = try length(of: sequence, at: range, for: "iterate over")
      for position in 0..<count {
        if let flow = try step(frame, try element(of: sequence, at: position, range: range)) { return flow }
      }
      return .next
    }
  }

  /// For `range(…)` as written in a `for`: its start, end and step, checked
  /// when the loop starts.
  mutating func rangeArguments(_ sequence: Expr) throws(Diagnostic) -> (
    (Frame) throws(Diagnostic) -> (
      Double, Double, Double
    )
  )? {
    guard case .call(let callee, let arguments) = sequence.kind, let name = callee.name, name == "range",
      case .builtin = scope.resolve(name, globals: globals), arguments.allSatisfy({ $0.label == nil }),
      (1...3).contains(arguments.count)
    else { return nil }
    let values = try expressions(arguments.map(\.value))
    let ranges = arguments.map(\.value.range)
    return { (frame: Frame) throws(Diagnostic) -> (Double, Double, Double) in
      var numbers: [Double] = []
      for (value, range) in zip(values, ranges) {
        numbers.append(try wholeNumber(try value(frame), at: range, what: "a range bound"))
      }
      return try rangeBounds(numbers, at: sequence.range)
    }
  }

  // MARK: Names

  /// A closure that stores a value into `name` (a local or a session variable).
  mutating func assign(to name: String, at range: SourceRange) throws(Diagnostic) -> (Frame, Value) -> Void {
    switch scope.resolve(name, globals: globals) {
    case .local(let slot):
      return { frame, value in frame.slots[slot] = value }
    case .global(let slot):
      return { frame, value in frame.runtime.globals.store(value, at: slot) }
    case .constant:
      throw Diagnostic("cannot assign to the constant '\(name)'", at: range)
    case .builtin:
      throw Diagnostic("'\(name)' is a builtin function; choose another name", at: range)
    case .currentFunction:
      throw Diagnostic("cannot assign to '\(name)', the function being defined", at: range)
    }
  }

  /// The local names visible here (of this function and those around it).
  func localNames() -> [String] {
    var names: [String] = []
    var current: Scope? = scope
    while let level = current {
      names += level.localNames
      current = level.parent
    }
    return names
  }
}

/// "unknown name" (or "unknown function" for a callee), with the closest
/// name that has a value as a suggestion.
func unknownName(_ name: String, at range: SourceRange, locals: [String], globals: Globals, calling: Bool = false)
  -> Diagnostic
{
  var message = "unknown \(calling ? "function" : "name") '\(name)'"
  let candidates = locals + globals.defined.map(\.name) + Builtins.names + Array(Constants.values.keys)
  if let suggestion = closestMatch(to: name, in: candidates.filter { $0 != name }) {
    message += "; did you mean '\(suggestion)'?"
  }
  return Diagnostic(message, at: range)
}
