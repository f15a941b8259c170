import Attention

extension Compiler {
  /// `name = value`, or a part of a variable: `r.lr = 0.2`, `l[0] = x`.
  ///
  /// A part is changed in place: the variable's value is moved out of its
  /// slot, updated and put back, so a value only one variable holds is not
  /// copied. `l = append(l, x)` likewise appends in place (amortized O(1)).
  mutating func assignment(_ target: AssignmentTarget, _ value: Expr) throws(Diagnostic) -> Compiled.Statement {
    if target.path.isEmpty {
      if let append = try inPlaceAppend(target, value) { return append }
      let store = try assign(to: target.name, at: target.nameRange)
      let compute = try expression(value)
      return { (frame: Frame) throws(Diagnostic) -> Flow in
        store(frame, try compute(frame))
        return .next
      }
    }
    let compute = try expression(value)
    let steps = try path(target.path)
    let slot = try slotAccess(target.name, at: target.nameRange)
    return { (frame: Frame) throws(Diagnostic) -> Flow in
      let newValue = try compute(frame)
      let path = try steps(frame)
      guard var root = slot.take(frame) else { throw try slot.missing(frame) }
      defer { slot.restore(frame, root) }
      try update(&root, path[...], with: newValue, runtime: frame.runtime)
      return .next
    }
  }

  /// The fields and subscripts of an assignment's target, evaluated.
  mutating func path(_ steps: [AssignmentTarget.Step]) throws(Diagnostic) -> (Frame) throws(Diagnostic) -> [PathStep] {
    var kinds: [PathStep] = []
    var subscriptsOfStep: [Int: (Frame) throws(Diagnostic) -> [Subscript]] = [:]
    for (position, step) in steps.enumerated() {
      switch step {
      case .field(let name, let range):
        kinds.append(.field(name, range))
      case .index(let items, let range):
        kinds.append(.index([], range))
        subscriptsOfStep[position] = try indexItems(items)
      }
    }
    let template = kinds
    let dynamic = subscriptsOfStep
    return { (frame: Frame) throws(Diagnostic) -> [PathStep] in
      var result = template
      for (position, evaluate) in dynamic {
        guard case .index(_, let range) = template[position] else { continue }
        let subscripts = try evaluate(frame)
        result[position] = .index(subscripts, range)
      }
      return result
    }
  }

  /// `l = append(l, x)` with `append` the builtin: appends in place.
  mutating func inPlaceAppend(_ target: AssignmentTarget, _ value: Expr) throws(Diagnostic) -> Compiled.Statement? {
    guard case .call(let callee, let arguments) = value.kind, callee.name == "append",
      case .builtin = scope.resolve("append", globals: globals), arguments.count == 2,
      arguments.allSatisfy({ $0.label == nil }), arguments[0].value.name == target.name
    else { return nil }
    let item = try expression(arguments[1].value)
    let general = try expression(value)
    let slot = try slotAccess(target.name, at: target.nameRange)
    return { (frame: Frame) throws(Diagnostic) -> Flow in
      let newItem = try item(frame)
      var taken = slot.take(frame)
      guard case .list(var items)? = taken else {
        // Not a list (or no value): put it back and let append say what is wrong.
        slot.restore(frame, taken)
        slot.store(frame, try general(frame))
        return .next
      }
      taken = nil  // `items` is now the list's only holder: it grows in place
      items.append(newItem)
      slot.restore(frame, .list(items))
      return .next
    }
  }

  /// Moving a variable's value out of its slot and back.
  struct SlotAccess {
    var take: (Frame) -> Value?
    var restore: (Frame, Value?) -> Void
    var store: (Frame, Value) -> Void
    var missing: (Frame) throws(Diagnostic) -> Diagnostic
  }

  mutating func slotAccess(_ name: String, at range: SourceRange) throws(Diagnostic) -> SlotAccess {
    let store = try assign(to: name, at: range)
    switch scope.resolve(name, globals: globals) {
    case .local(let slot):
      return SlotAccess(
        take: { $0.take(slot) }, restore: { frame, value in frame.slots[slot] = value }, store: store,
        missing: { _ in Diagnostic("'\(name)' has no value yet to change a part of", at: range) })
    case .global(let slot):
      let locals = localNames()
      return SlotAccess(
        take: { $0.runtime.globals.take(slot) },
        restore: { frame, value in frame.runtime.globals.restore(value, at: slot) },
        store: store, missing: { frame in unknownName(name, at: range, locals: locals, globals: frame.runtime.globals) }
      )
    default:
      throw Diagnostic("cannot assign to '\(name)'", at: range)
    }
  }
}
