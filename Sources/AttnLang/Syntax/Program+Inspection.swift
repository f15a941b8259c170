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
