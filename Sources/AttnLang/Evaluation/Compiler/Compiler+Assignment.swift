import Attention

extension Compiler {
  /// `name = value`, or a part of a variable: `r.lr = 0.2`, `l[0] = x`;
  /// `l = append(l, x)` with the builtin append grows `l` in place.
  mutating func assignment(_ target: AssignmentTarget, _ value: Expr) throws(Diagnostic) -> Compiled.Statement {
    let slot = try self.slot(for: target.name, at: target.nameRange)
    if target.path.isEmpty {
      if case .call(let callee, let arguments) = value.kind, callee.name == "append",
        case .builtin = scope.resolve("append", globals: globals), arguments.count == 2,
        arguments.allSatisfy({ $0.label == nil }), arguments[0].value.name == target.name
      {
        return AppendInPlace(
          slot, item: try expression(arguments[1].value), general: try expression(value), range: value.range)
      }
      return Assign(slot, try expression(value))
    }
    let compute = try expression(value)
    var path: [PathCode] = []
    for step in target.path {
      switch step {
      case .field(let name, let range): path.append(.field(name, range))
      case .index(let items, let range): path.append(.index(try subscripts(items), range))
      }
    }
    let name = target.name
    let range = target.nameRange
    let locals = localNames()
    return AssignPart(slot, path: path, value: compute) { frame in
      switch slot {
      case .local: return Diagnostic("'\(name)' has no value yet to change a part of", at: range)
      case .global: return unknownName(name, at: range, locals: locals, globals: frame.globals)
      }
    }
  }
}
