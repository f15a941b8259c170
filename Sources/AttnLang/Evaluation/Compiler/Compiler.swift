import Attention

/// Turns statements into compiled code once, resolving every name to a
/// slot, so that running a loop or a function never looks at the syntax
/// tree again (the tree-walker of Crafting Interpreters, with Lua's
/// resolved locals).
///
/// Compilation finds the mistakes that need no running: `break` outside a
/// loop, `return` outside a function, assigning to a builtin or a constant.
struct Compiler {
  let source: SourceFile
  let globals: Globals
  var scope: Scope
  /// The longest string literal allowed, in bytes: the element limit, which
  /// strings built at run time are held to as well.
  var maximumStringBytes: Int

  init(source: SourceFile, globals: Globals, scope: Scope = Scope(), maximumStringBytes: Int = .max) {
    self.source = source
    self.globals = globals
    self.scope = scope
    self.maximumStringBytes = maximumStringBytes
  }

  // MARK: Statements

  mutating func statements(_ statements: [Statement]) throws(Diagnostic) -> Compiled.Statement {
    var compiled: [Compiled.Statement] = []
    for statement in statements { compiled.append(try self.statement(statement)) }
    return compiled.count == 1 ? compiled[0] : StatementList(compiled)
  }

  mutating func block(_ block: Block) throws(Diagnostic) -> Compiled.Statement {
    try statements(block.statements)
  }

  mutating func statement(_ statement: Statement) throws(Diagnostic) -> Compiled.Statement {
    switch statement.kind {
    case .expression(let expr):
      let value = try expression(expr)
      if scope.isFunction { return Discard(value) }
      return Show(value, ans: globals.slot(for: "ans"), isSilent: statement.isSilent)
    case .assign(let target, let value):
      return try assignment(target, value)
    case .function(let declaration):
      let make = try function(declaration)
      return Assign(try slot(for: declaration.name, at: declaration.nameRange), make)
    case .if(let branches, let otherwise):
      var arms: [(test: Compiled.Expression, range: SourceRange, body: Compiled.Statement)] = []
      for branch in branches {
        arms.append((try expression(branch.condition), branch.condition.range, try block(branch.body)))
      }
      var fallback: (Compiled.Statement)? = nil
      if let otherwise { fallback = try block(otherwise) }
      return Conditional(arms: arms, otherwise: fallback)
    case .for(let name, let nameRange, let sequence, let body):
      return try forLoop(name, nameRange, sequence, body)
    case .while(let condition, let body):
      let test = try expression(condition)
      return While(test, range: condition.range, body: try loopBody(body))
    case .break:
      guard scope.loopDepth > 0 else { throw Diagnostic("'break' is only allowed inside a loop", at: statement.range) }
      return Jump(.breakLoop)
    case .continue:
      guard scope.loopDepth > 0 else {
        throw Diagnostic("'continue' is only allowed inside a loop", at: statement.range)
      }
      return Jump(.continueLoop)
    case .return(let expr):
      guard scope.isFunction else {
        throw Diagnostic("'return' is only allowed inside a function", at: statement.range)
      }
      guard let expr else { return Jump(.returned(.none)) }
      return Return(try expression(expr))
    }
  }

  /// A loop's body, where `break` and `continue` are allowed.
  mutating func loopBody(_ body: Block) throws(Diagnostic) -> Compiled.Statement {
    scope.loopDepth += 1
    defer { scope.loopDepth -= 1 }
    return try block(body)
  }

  mutating func forLoop(_ name: String, _ nameRange: SourceRange, _ sequence: Expr, _ body: Block) throws(Diagnostic)
    -> Compiled.Statement
  {
    let slot = try self.slot(for: name, at: nameRange)
    var sequence = sequence
    var progress: ProgressCode? = nil
    // `for x in progress(sequence, show: "name")` reports each step.
    if case .call(let callee, let arguments) = sequence.kind, callee.name == "progress",
      case .builtin = scope.resolve("progress", globals: globals), let first = arguments.first, first.label == nil
    {
      var shown: (slot: Slot, name: String)? = nil
      var tokens: (code: Compiled.Expression, range: SourceRange)? = nil
      for argument in arguments.dropFirst() {
        if argument.label == "tokens" {
          tokens = (try expression(argument.value), argument.value.range)
          continue
        }
        guard argument.label == "show", case .string(let variable) = argument.value.kind else {
          throw Diagnostic(
            "progress takes a sequence, show: \"name\" (the variable to show) and tokens: n (tokens per step), as in progress(range(100), show: \"loss\", tokens: 12 * 64)",
            at: argument.value.range)
        }
        shown = (try self.slot(for: variable, at: argument.value.range), variable)
      }
      progress = ProgressCode(shown: shown, tokens: tokens)
      sequence = first.value
    }
    // `for i in range(…)` with the builtin range counts without making the list.
    if case .call(let callee, let arguments) = sequence.kind, callee.name == "range",
      case .builtin = scope.resolve("range", globals: globals), arguments.allSatisfy({ $0.label == nil }),
      (1...3).contains(arguments.count)
    {
      var bounds: [(Compiled.Expression, SourceRange)] = []
      for argument in arguments { bounds.append((try expression(argument.value), argument.value.range)) }
      return ForLoop(
        slot, sequence: .range(bounds), range: sequence.range, body: try loopBody(body), progress: progress)
    }
    let items = try expression(sequence)
    return ForLoop(slot, sequence: .items(items), range: sequence.range, body: try loopBody(body), progress: progress)
  }

  // MARK: Names

  /// Where an assignment to `name` stores: a local or a session variable.
  mutating func slot(for name: String, at range: SourceRange) throws(Diagnostic) -> Slot {
    switch scope.resolve(name, globals: globals) {
    case .local(let index): return .local(index)
    case .global(let index): return .global(index)
    case .constant: throw Diagnostic("cannot assign to the constant '\(name)'", at: range)
    case .builtin: throw Diagnostic("'\(name)' is a builtin function; choose another name", at: range)
    case .currentFunction: throw Diagnostic("cannot assign to '\(name)', the function being defined", at: range)
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
