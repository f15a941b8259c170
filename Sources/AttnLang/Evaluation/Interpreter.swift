import Attention

/// Evaluates expressions against a ``Session``'s variables, under the
/// execution context the session bound for this evaluation.
struct Interpreter {
  let session: Session
  let context: ExecutionContext

  func evaluate(_ expr: Expr) throws(Diagnostic) -> Value {
    if context.stop.isRequested {
      throw Diagnostic("interrupted", at: expr.range)
    }
    switch expr.kind {
    case .number(let value):
      return .tensor(Tensor(value))
    case .string(let text):
      return .string(text)
    case .name(let name):
      return try lookup(name, at: expr.range)
    case .list(let elements):
      return try list(elements, range: expr.range)
    case .negate(let operand):
      let value = try evaluate(operand)
      guard case .tensor(let tensor) = value else {
        throw Diagnostic("'-' needs a number or tensor, got \(value.typeName)", at: expr.range)
      }
      return .tensor(-tensor)
    case .binary(let op, let left, let right):
      return try binary(op, evaluate(left), evaluate(right), expr: expr, left: left, right: right)
    case .call(let name, let nameRange, let arguments):
      return try call(name, nameRange: nameRange, arguments: arguments, range: expr.range)
    case .index(let base, let items):
      return try index(evaluate(base), items: items, base: base, range: expr.range)
    case .field(let base, let name, let nameRange):
      return try field(evaluate(base), name: name, nameRange: nameRange)
    }
  }

  func lookup(_ name: String, at range: SourceRange) throws(Diagnostic) -> Value {
    if let value = session.variables[name] { return value }
    if let constant = Constants.values[name] { return .tensor(Tensor(constant)) }
    if Builtins.table[name] != nil {
      throw Diagnostic("'\(name)' is a builtin function; call it as \(name)(...)", at: range)
    }
    let candidates = Array(session.variables.keys) + Array(Constants.values.keys) + Builtins.names
    var message = "unknown name '\(name)'"
    if let suggestion = closestMatch(to: name, in: candidates) { message += "; did you mean '\(suggestion)'?" }
    throw Diagnostic(message, at: range)
  }

  /// A tensor literal: numbers and equal-shaped tensors stack into one
  /// tensor; strings make a list of labels.
  func list(_ elements: [Expr], range: SourceRange) throws(Diagnostic) -> Value {
    // A row of number literals (the common case, and a long pasted one) is
    // built directly, without a value per element.
    var numbers: [Double] = []
    numbers.reserveCapacity(elements.count)
    for element in elements {
      guard case .number(let value) = element.kind else { break }
      numbers.append(value)
    }
    if numbers.count == elements.count, !elements.isEmpty { return .tensor(Tensor(numbers)) }
    var values: [Value] = []
    for element in elements { values.append(try evaluate(element)) }
    if !values.isEmpty, values.allSatisfy({ if case .string = $0 { true } else { false } }) {
      return .list(values)
    }
    var tensors: [Tensor] = []
    for (value, element) in zip(values, elements) {
      guard case .tensor(let tensor) = value else {
        throw Diagnostic(
          "a tensor literal holds numbers or tensors, not \(value.typeName)", at: element.range)
      }
      if let first = tensors.first, first.shape != tensor.shape {
        throw Diagnostic(
          "ragged tensor literal: element \(tensors.count) has shape \(Tensor.describe(tensor.shape)) but element 0 has \(Tensor.describe(first.shape))",
          at: element.range)
      }
      tensors.append(tensor)
    }
    guard let first = tensors.first else { return .tensor(Tensor([])) }
    guard first.rank < Tensor.maximumRank else {
      throw Diagnostic("tensor literal is nested deeper than rank \(Tensor.maximumRank)", at: range)
    }
    return .tensor(try wrap(range, as: "tensor literal") { try stack(tensors) })
  }

  func binary(
    _ op: BinaryOperator, _ a: Value, _ b: Value, expr: Expr, left: Expr, right: Expr
  ) throws(Diagnostic) -> Value {
    guard case .tensor(let x) = a, case .tensor(let y) = b else {
      throw Diagnostic(
        "'\(op.rawValue)' needs numbers or tensors, got \(a.typeName) and \(b.typeName)", at: expr.range)
    }
    if op == .matmul {
      return .tensor(try wrap(expr.range, as: "@") { try matmul(x, y) })
    }
    // Every other operator is the library's elementwise operation of the same spelling.
    guard let operation = BinaryOperation(rawValue: op.rawValue) else {
      throw Diagnostic("'\(op.rawValue)' is not an elementwise operator", at: expr.range)
    }
    return .tensor(try wrap(expr.range, as: op.rawValue) { try elementwise(x, operation, y) })
  }

  func call(
    _ name: String, nameRange: SourceRange, arguments: [CallArgument], range: SourceRange
  ) throws(Diagnostic) -> Value {
    guard let builtin = Builtins.table[name] else {
      var message = "unknown function '\(name)'"
      if let suggestion = closestMatch(to: name, in: Builtins.names) { message += "; did you mean '\(suggestion)'?" }
      throw Diagnostic(message, at: nameRange)
    }
    var positional: [ArgumentValue] = []
    var named: [NamedArgumentValue] = []
    for argument in arguments {
      let value = ArgumentValue(value: try evaluate(argument.value), range: argument.value.range)
      if let label = argument.label {
        named.append(
          NamedArgumentValue(label: label, labelRange: argument.labelRange ?? argument.value.range, argument: value))
      } else {
        positional.append(value)
      }
    }
    let signature = builtin.signature
    let (values, rest) = try signature.bind(positional: positional, named: named, callRange: range)
    let call = Arguments(signature: signature, values: values, rest: rest, range: range, session: session)
    return try wrap(range, as: name) { try builtin.run(call) }
  }

  func index(_ base: Value, items: [IndexItem], base baseExpr: Expr, range: SourceRange) throws(Diagnostic) -> Value {
    switch base {
    case .tensor(let tensor):
      var indices: [TensorIndex] = []
      for item in items {
        switch item {
        case .position(let expr):
          indices.append(.at(try integer(expr, what: "an index")))
        case .slice(let start, let end, let step, _):
          let first = try start.map { (e) throws(Diagnostic) in try integer(e, what: "a slice bound") }
          let last = try end.map { (e) throws(Diagnostic) in try integer(e, what: "a slice bound") }
          let stride = try step.map { (e) throws(Diagnostic) in try integer(e, what: "a slice step") } ?? 1
          indices.append(.slice(start: first, end: last, step: stride))
        }
      }
      return .tensor(try wrap(range, as: "index") { try tensor.subscripted(indices) })
    case .list(let values):
      guard items.count == 1, case .position(let expr) = items[0] else {
        throw Diagnostic("a list takes one index, as in labels[0]", at: range)
      }
      let position = try integer(expr, what: "an index")
      let resolved = position < 0 ? position + values.count : position
      guard values.indices.contains(resolved) else {
        throw Diagnostic("index \(position) is out of range for a list of \(values.count)", at: expr.range)
      }
      return values[resolved]
    default:
      throw Diagnostic("cannot index a \(base.typeName)", at: baseExpr.range)
    }
  }

  func integer(_ expr: Expr, what: String) throws(Diagnostic) -> Int {
    let value = try evaluate(expr)
    guard case .tensor(let tensor) = value, let number = tensor.scalarValue, tensor.isScalar else {
      throw Diagnostic("\(what) must be a whole number, got \(value.typeName)", at: expr.range)
    }
    guard let whole = exactInteger(number) else {
      throw Diagnostic(integerProblem(number, what: what), at: expr.range)
    }
    return whole
  }

  func field(_ base: Value, name: String, nameRange: SourceRange) throws(Diagnostic) -> Value {
    switch base {
    case .record(let record):
      if let value = record[name] { return value }
      throw Diagnostic(
        "no field '\(name)'; this record has " + record.fieldNames.map { "'\($0)'" }.joined(separator: ", "),
        at: nameRange)
    case .tensor(let tensor):
      switch name {
      case "T": return .tensor(try wrap(nameRange, as: ".T") { try transpose(tensor) })
      case "shape": return .tensor(Tensor(tensor.shape.map(Double.init)))
      default:
        throw Diagnostic("no field '\(name)' on a tensor; tensors have '.T' and '.shape'", at: nameRange)
      }
    default:
      throw Diagnostic("a \(base.typeName) has no fields", at: nameRange)
    }
  }
}

extension Interpreter {
  /// Runs library code for the language operation `operation` (a builtin's
  /// name, an operator's spelling), turning the library's errors into a
  /// diagnostic at `range` that speaks the language's names.
  func wrap<T>(_ range: SourceRange, as operation: String, _ body: () throws -> T) throws(Diagnostic) -> T {
    do {
      return try body()
    } catch let error as Diagnostic {
      throw error
    } catch let error as TensorError {
      throw Diagnostic(LanguageNames.message(for: error), at: range)
    } catch var error as ElementLimitExceeded {
      // Whatever step inside ran over, the user asked for `operation`.
      error.operation = operation
      let hint = session.options.elementLimitHint.map { " " + $0 } ?? ""
      throw Diagnostic(error.description + hint, at: range)
    } catch is ExecutionContext.Stopped {
      throw Diagnostic("interrupted", at: range)
    } catch {
      throw Diagnostic("\(operation): \(error)", at: range)
    }
  }
}

/// Why `value` is not usable as a whole number: not whole, or too large.
func integerProblem(_ value: Double, what: String) -> String {
  if value.isFinite, value.rounded() == value { return "\(what) is too large: \(value)" }
  return "\(what) must be a whole number, got \(value)"
}

/// `value` as an `Int` when it is a whole number that fits, else `nil`.
func exactInteger(_ value: Double) -> Int? {
  guard value.isFinite, value.rounded() == value, Swift.abs(value) < 9e15 else { return nil }
  return Int(value)
}
