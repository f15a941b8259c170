import Attention

extension Compiler {
  mutating func expression(_ expr: Expr) throws(Diagnostic) -> Compiled.Expression {
    let range = expr.range
    switch expr.kind {
    case .number(let number):
      return Constant(.number(number))
    case .string(let text):
      guard text.utf8.count <= maximumStringBytes else {
        throw Diagnostic(
          "a string of \(text.utf8.count) bytes is more than the limit of \(maximumStringBytes)", at: range)
      }
      return Constant(.string(text))
    case .name(let name):
      return try read(name, at: range)
    case .list(let elements):
      var numbers: [Double] = []
      for element in elements {
        guard case .number(let value) = element.kind else { break }
        numbers.append(value)
      }
      // A row of number literals (the common case, and a long pasted one) is made once.
      if numbers.count == elements.count { return Constant(.tensor(Tensor(numbers))) }
      return ListLiteral(try expressions(elements), ranges: elements.map(\.range), range: range)
    case .record(let fields):
      return RecordLiteral(names: fields.map(\.name), values: try expressions(fields.map(\.value)))
    case .negate(let operand):
      return Negate(try expression(operand), range: range)
    case .not(let operand):
      return Not(try expression(operand), range: operand.range)
    case .binary(let op, let left, let right):
      return Binary(op, try expression(left), try expression(right), range: range)
    case .logical(let op, let left, let right):
      return Logical(
        op, try expression(left), try expression(right), leftRange: left.range, rightRange: right.range)
    case .call(let callee, let arguments):
      return try call(callee, arguments, range: range)
    case .index(let base, let items):
      return Index(try expression(base), items: try subscripts(items), baseRange: base.range, range: range)
    case .field(let base, let name, let nameRange):
      // multihead(…).output: only the output is read, so the weights are
      // never made (the library's fast path, O(n·d) memory).
      if name == "output", case .call(let callee, let arguments) = base.kind, callee.name == "multihead",
        case .builtin = scope.resolve("multihead", globals: globals)
      {
        return try builtinCall(Builtins.multiheadOutput, arguments, range: base.range)
      }
      return Field(try expression(base), name: name, range: nameRange)
    case .lambda(let declaration):
      return try function(declaration)
    }
  }

  /// Several expressions, in order.
  mutating func expressions(_ exprs: [Expr]) throws(Diagnostic) -> [Compiled.Expression] {
    var compiled: [Compiled.Expression] = []
    compiled.reserveCapacity(exprs.count)
    for expr in exprs { compiled.append(try expression(expr)) }
    return compiled
  }

  /// Reading a name, resolved once; `calling` when it is a call's callee
  /// (an unknown one is then an "unknown function").
  mutating func read(_ name: String, at range: SourceRange, calling: Bool = false) throws(Diagnostic)
    -> Compiled.Expression
  {
    switch scope.resolve(name, globals: globals) {
    case .local(let index): return ReadLocal(index, name: name, range: range)
    case .global(let index):
      return ReadGlobal(index, name: name, range: range, locals: localNames(), calling: calling)
    case .currentFunction: return ReadCurrentFunction(name: name, range: range)
    case .constant(let value): return Constant(value)
    case .builtin(let builtin): return Constant(.function(Builtins.function(builtin)))
    }
  }

  /// The entries of a subscript.
  mutating func subscripts(_ items: [IndexItem]) throws(Diagnostic) -> [SubscriptCode] {
    var codes: [SubscriptCode] = []
    for item in items {
      switch item {
      case .position(let expr):
        codes.append(.value(try expression(expr), expr.range))
      case .slice(let start, let end, let step, let range):
        func bound(_ expr: Expr?, in compiler: inout Compiler) throws(Diagnostic) -> (
          Compiled.Expression, SourceRange
        )? {
          guard let expr else { return nil }
          return (try compiler.expression(expr), expr.range)
        }
        codes.append(
          .slice(
            start: try bound(start, in: &self), end: try bound(end, in: &self), step: try bound(step, in: &self),
            range: range))
      }
    }
    return codes
  }
}
