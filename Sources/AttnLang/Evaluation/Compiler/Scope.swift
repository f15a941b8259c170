/// What a name refers to, decided once when code is compiled.
enum Resolution {
  /// A slot of the current frame: a parameter, a local, or a captured value.
  case local(Int)
  /// A session variable.
  case global(Int)
  /// The function running (a nested `def` calling itself).
  case currentFunction
  case constant(Value)
  case builtin(Builtin)
}

/// The names of one function being compiled (or of top-level code): which
/// are its locals and which it captures from the function around it.
final class Scope {
  let parent: Scope?
  /// The `def`'s name, for a nested function calling itself.
  let functionName: String?
  let isFunction: Bool
  private(set) var slots: [String: Int] = [:]
  private(set) var slotCount = 0
  /// Values taken from the enclosing function when this one is made: the
  /// outer name's resolution there and the slot it fills here.
  private(set) var captures: [(outer: Resolution, slot: Int)] = []
  /// Loops around the code being compiled, in this function.
  var loopDepth = 0

  /// Top-level code: every name is a session variable.
  init() {
    parent = nil
    functionName = nil
    isFunction = false
  }

  /// A function's scope: `parameters` take the first slots, then `locals`.
  init(function name: String?, parameters: [String], locals: Set<String>, parent: Scope) {
    self.parent = parent
    functionName = name
    isFunction = true
    for parameter in parameters { declare(parameter) }
    for local in locals.sorted() where slots[local] == nil { declare(local) }
  }

  @discardableResult
  private func declare(_ name: String) -> Int {
    slots[name] = slotCount
    slotCount += 1
    return slotCount - 1
  }

  /// The names of this scope's slots.
  var localNames: [String] { Array(slots.keys) }

  /// Where `name` lives, seen from this scope; session variables get a slot
  /// in `globals` if they have none yet.
  ///
  /// A function's parameters and locals come before the builtins: a
  /// parameter named `batch` or a local `schedule` is the function's own,
  /// so a builtin added later cannot break a function written before it.
  /// Session variables cannot take a builtin's name (the prompt's compiled
  /// inputs would disagree about which one a name means).
  func resolve(_ name: String, globals: Globals) -> Resolution {
    if let constant = Constants.value(named: name) { return .constant(constant) }
    if let slot = slots[name] { return .local(slot) }
    if let parent, parent.isFunction {
      if name == functionName, parent.slots[name] != nil { return .currentFunction }
      let outer = parent.resolve(name, globals: globals)
      switch outer {
      case .local, .currentFunction:
        let slot = declare(name)
        captures.append((outer, slot))
        return .local(slot)
      default:
        return outer
      }
    }
    if let builtin = Builtins.table[name] { return .builtin(builtin) }
    return .global(globals.slot(for: name))
  }

  /// The local names a function's body assigns (its own, not those of
  /// functions inside it): assignment targets, loop variables, nested `def`s.
  static func assignedNames(in statements: [Statement]) -> Set<String> {
    var names = Set<String>()
    func visit(_ statements: [Statement]) {
      for statement in statements {
        switch statement.kind {
        case .assign(let target, _): names.insert(target.name)
        case .function(let declaration): names.insert(declaration.name)
        case .for(let name, _, _, let body):
          names.insert(name)
          visit(body.statements)
        case .while(_, let body): visit(body.statements)
        case .if(let branches, let otherwise):
          for branch in branches { visit(branch.body.statements) }
          if let otherwise { visit(otherwise.statements) }
        case .expression, .break, .continue, .return: break
        }
      }
    }
    visit(statements)
    return names
  }
}
