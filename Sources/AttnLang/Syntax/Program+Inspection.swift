extension Program {
  /// The session variables the program's top-level statements give a value
  /// to: assignment targets, `def` names and loop variables, inside
  /// top-level loops and branches too (not inside functions, whose
  /// variables are their own). An exercise uses it to tell an answer (it
  /// defines one of the exercise's names) from trying things out.
  public var assignedNames: Set<String> {
    var names = Set<String>()
    var blocks: [[Statement]] = [statements]
    while let statements = blocks.popLast() {
      for statement in statements {
        switch statement.kind {
        case .assign(let target, _): names.insert(target.name)
        case .function(let declaration): names.insert(declaration.name)
        case .for(let name, _, _, let body):
          names.insert(name)
          blocks.append(body.statements)
        case .while(_, let body): blocks.append(body.statements)
        case .if(let branches, let otherwise):
          blocks += branches.map(\.body.statements)
          if let otherwise { blocks.append(otherwise.statements) }
        case .expression, .break, .continue, .return: break
        }
      }
    }
    return names
  }
}

extension Program {
  /// True when the program is one expression whose value is a yes/no
  /// answer: a comparison, `and`, `or` or `not`. Its 0 or 1 says nothing
  /// about what is wrong, so a check written this way needs a message.
  public var isYesNoTest: Bool {
    guard statements.count == 1, case .expression(let expression) = statements[0].kind else { return false }
    switch expression.kind {
    case .logical, .not: return true
    case .binary(let op, _, _): return [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op)
    default: return false
    }
  }
}

extension Program {
  /// The file builtins and which of their positional arguments names the file.
  static let fileNameArgument = ["load": 0, "lines": 0, "save": 1, "svg": 1]

  /// The string literals the program gives file builtins (`load`, `lines`,
  /// `save`, `svg`) as file names, with where each is written — what a
  /// saved session rewrites when it is read from another directory.
  public var fileNameLiterals: [(path: String, range: SourceRange)] {
    var found: [(path: String, range: SourceRange)] = []
    for expression in allExpressions {
      guard case .call(let callee, let arguments) = expression.kind, let name = callee.name,
        let position = Program.fileNameArgument[name]
      else { continue }
      let positional = arguments.filter { $0.label == nil }
      guard position < positional.count, case .string(let path) = positional[position].value.kind else { continue }
      found.append((path, positional[position].value.range))
    }
    return found.sorted { $0.range.start < $1.range.start }
  }

  /// Every expression of the program, inside functions too (in no particular order).
  var allExpressions: [Expr] {
    var expressions: [Expr] = []
    var pending: [Expr] = []
    var statements = self.statements
    func visit(_ declaration: FunctionDeclaration) {
      pending += declaration.parameters.compactMap(\.defaultValue)
      switch declaration.body {
      case .expression(let body): pending.append(body)
      case .block(let block): statements += block.statements
      }
    }
    func visit(_ items: [IndexItem]) {
      for item in items {
        switch item {
        case .position(let position): pending.append(position)
        case .slice(let start, let end, let step, _): pending += [start, end, step].compactMap { $0 }
        }
      }
    }
    while !statements.isEmpty || !pending.isEmpty {
      if let statement = statements.popLast() {
        switch statement.kind {
        case .assign(let target, let value):
          pending.append(value)
          for step in target.path { if case .index(let items, _) = step { visit(items) } }
        case .expression(let expression): pending.append(expression)
        case .function(let declaration): visit(declaration)
        case .if(let branches, let otherwise):
          for branch in branches {
            pending.append(branch.condition)
            statements += branch.body.statements
          }
          statements += otherwise?.statements ?? []
        case .for(_, _, let sequence, let body):
          pending.append(sequence)
          statements += body.statements
        case .while(let condition, let body):
          pending.append(condition)
          statements += body.statements
        case .return(let value): pending += [value].compactMap { $0 }
        case .break, .continue: break
        }
        continue
      }
      guard let expression = pending.popLast() else { continue }
      expressions.append(expression)
      switch expression.kind {
      case .number, .string, .name: break
      case .list(let items): pending += items
      case .record(let fields): pending += fields.map(\.value)
      case .negate(let operand), .not(let operand): pending.append(operand)
      case .binary(_, let left, let right), .logical(_, let left, let right): pending += [left, right]
      case .call(let callee, let arguments):
        pending.append(callee)
        pending += arguments.map(\.value)
      case .index(let base, let items):
        pending.append(base)
        visit(items)
      case .field(let base, _, _): pending.append(base)
      case .lambda(let declaration): visit(declaration)
      }
    }
    return expressions
  }
}
