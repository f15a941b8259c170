import Attention

// Reading parts of values (`x[i]`, `r.name`, the items a `for` walks
// through) and writing them in place (`r.lr = 0.2`, `l[0] = x`).

/// `base[subscripts]` for tensors, lists, strings and records.
func subscripted(_ base: Value, _ subscripts: [Subscript], baseRange: SourceRange, range: SourceRange, runtime: Runtime)
  throws(Diagnostic) -> Value
{
  switch base {
  case .number, .tensor:
    guard let tensor = base.tensor else { break }
    if subscripts.count == 1, case .value(let value, _) = subscripts[0], let rows = value.tensor,
      rows.rank >= 1
    {
      return Value(
        try runtime.library(range, as: "index") {
          // NumPy's boolean masking: a 0/1 tensor shaped like x (or as long as its rows)
          // selects — `x[x > 1]` — rather than naming rows 0 and 1.
          if let selected = maskPositions(rows, shapedLike: tensor.shape) {
            return try tensor.reshaped([tensor.count]).gatheringRows(Tensor(selected.map(Double.init)))
          }
          if tensor.rank >= 2, rows.rank == 1, let selected = maskPositions(rows, shapedLike: [tensor.shape[0]]) {
            return try tensor.gatheringRows(Tensor(selected.map(Double.init)))
          }
          return try tensor.gatheringRows(rows)
        })
    }
    let indices = try tensorIndices(subscripts)
    return Value(try runtime.library(range, as: "index") { try tensor.subscripted(indices) })
  case .list(let items):
    switch try sequencePosition(subscripts, count: items.count, what: "a list", range: range) {
    case .one(let index): return items[index]
    case .many(let indices): return .list(indices.map { items[$0] })
    }
  case .string(let text):
    let characters = Array(text)
    switch try sequencePosition(subscripts, count: characters.count, what: "a string", range: range) {
    case .one(let index): return .string(String(characters[index]))
    case .many(let indices): return .string(String(indices.map { characters[$0] }))
    }
  case .record(let record):
    guard subscripts.count == 1, case .value(.string(let name), let nameRange) = subscripts[0] else {
      throw Diagnostic("a record is indexed by a field name in quotes, as in r[\"weights\"]", at: range)
    }
    return try field(of: .record(record), name, at: nameRange, runtime: runtime)
  default:
    break
  }
  throw Diagnostic("cannot index a \(base.typeName)", at: baseRange)
}

/// The positions a boolean mask selects — when `mask` has `shape` and holds
/// only 0s and 1s (a comparison's result) — else nil.
func maskPositions(_ mask: Tensor, shapedLike shape: Shape) -> [Int]? {
  let values = mask.scalars
  guard mask.shape == shape, values.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
  return values.indices.filter { values[$0] == 1 }
}

/// Subscripts as the library's tensor indices.
func tensorIndices(_ subscripts: [Subscript]) throws(Diagnostic) -> [TensorIndex] {
  var indices: [TensorIndex] = []
  for item in subscripts {
    switch item {
    case .value(let value, let range): indices.append(.at(try integer(value, at: range, what: "an index")))
    case .slice(let start, let end, let step, _): indices.append(.slice(start: start, end: end, step: step))
    }
  }
  return indices
}

enum SequencePosition {
  case one(Int)
  case many([Int])
}

/// The positions one subscript picks from a list or string of `count` items.
func sequencePosition(_ subscripts: [Subscript], count: Int, what: String, range: SourceRange) throws(Diagnostic)
  -> SequencePosition
{
  guard subscripts.count == 1 else { throw Diagnostic("\(what) takes one index, as in l[0] or l[1:3]", at: range) }
  switch subscripts[0] {
  case .value(let value, let indexRange):
    let position = try integer(value, at: indexRange, what: "an index")
    let resolved = position < 0 ? position + count : position
    guard resolved >= 0, resolved < count else {
      throw Diagnostic("index \(position) is out of range for \(what) of \(count)", at: indexRange)
    }
    return .one(resolved)
  case .slice(let start, let end, let step, let sliceRange):
    guard step != 0 else { throw Diagnostic("slice step cannot be zero", at: sliceRange) }
    let (first, length) = sliceBounds(start: start, end: end, step: step, size: count)
    return .many((0..<length).map { first + $0 * step })
  }
}

/// `base.name`: a record's field, or a tensor's `.T` and `.shape`.
func field(of base: Value, _ name: String, at range: SourceRange, runtime: Runtime) throws(Diagnostic) -> Value {
  switch base {
  case .record(let record):
    if let value = record[name] { return value }
    var message = "no field '\(name)'; this record has " + record.fieldNames.map { "'\($0)'" }.joined(separator: ", ")
    if record.fields.isEmpty { message = "no field '\(name)'; this record has no fields" }
    if let suggestion = closestMatch(to: name, in: record.fieldNames) { message += "; did you mean '\(suggestion)'?" }
    throw Diagnostic(message, at: range)
  case .number, .tensor:
    guard let tensor = base.tensor else { break }
    switch name {
    case "T": return Value(try runtime.library(range, as: ".T") { try transpose(tensor) })
    case "shape": return .tensor(Tensor(tensor.shape.map(Double.init)))
    case "dtype": return .string(tensor.dtype.rawValue)
    default:
      throw Diagnostic("no field '\(name)' on a tensor; tensors have '.T', '.shape' and '.dtype'", at: range)
    }
  default:
    break
  }
  throw Diagnostic("a \(base.typeName) has no fields", at: range)
}

/// How many items a `for` loop (or `len`) sees in `sequence`.
func length(of sequence: Value, at range: SourceRange, for purpose: String) throws(Diagnostic) -> Int {
  switch sequence {
  case .list(let items): return items.count
  case .string(let text): return text.count
  case .tensor(let tensor) where tensor.rank >= 1: return tensor.shape[0]
  default:
    throw Diagnostic(
      "cannot \(purpose) a \(sequence.typeName); a list, a string, a tensor (by rows) or range(n) can be", at: range)
  }
}

/// Item `position` of a sequence (a tensor's row, a string's character).
func element(of sequence: Value, at position: Int, range: SourceRange) throws(Diagnostic) -> Value {
  switch sequence {
  case .list(let items): return items[position]
  case .string(let text): return .string(String(text[text.index(text.startIndex, offsetBy: position)]))
  case .tensor(let tensor):
    do {
      return Value(try tensor.subscripted([.at(position)]))
    } catch {
      throw Diagnostic("cannot take row \(position): \(error)", at: range)
    }
  default: throw Diagnostic("cannot iterate over a \(sequence.typeName)", at: range)
  }
}

/// A whole number from a value (an index, a count).
func integer(_ value: Value, at range: SourceRange, what: String) throws(Diagnostic) -> Int {
  let number: Double
  switch value {
  case .number(let x): number = x
  case .tensor(let tensor) where tensor.isScalar: number = tensor.scalars[0]
  default: throw Diagnostic("\(what) must be a whole number, got \(value.typeName)", at: range)
  }
  guard let whole = exactInteger(number) else { throw Diagnostic(integerProblem(number, what: what), at: range) }
  return whole
}

/// A whole number kept as a `Double` (a range bound).
func wholeNumber(_ value: Value, at range: SourceRange, what: String) throws(Diagnostic) -> Double {
  Double(try integer(value, at: range, what: what))
}

/// `range(n)`, `range(a, b)`, `range(a, b, step)` as start, end and step.
func rangeBounds(_ numbers: [Double], at range: SourceRange) throws(Diagnostic) -> (Double, Double, Double) {
  let start: Double = numbers.count == 1 ? 0 : numbers[0]
  let end: Double = numbers.count == 1 ? numbers[0] : numbers[1]
  let step: Double = numbers.count == 3 ? numbers[2] : 1
  guard step != 0 else { throw Diagnostic("range: the step cannot be 0", at: range) }
  return (start, end, step)
}

// MARK: Writing in place

/// One step of an assignment's path, evaluated.
enum PathStep {
  case field(String, SourceRange)
  case index([Subscript], SourceRange)
}

/// What an assignment into a part replaced, to undo it: the part's old
/// value, or nothing (a record's new field).
enum Replaced {
  case value(Value)
  case newField

  /// Where ``update(_:_:with:runtime:replaced:)`` says what it replaced.
  final class Note {
    var replaced: Replaced?
  }
}

/// Replaces the part of `value` that `path` leads to with `newValue`,
/// changing `value` in place (a record's field, a list's item, a tensor's
/// elements). A record gains a field that it did not have. With `replaced`,
/// says what was there before.
func update(
  _ value: inout Value, _ path: ArraySlice<PathStep>, with newValue: Value, runtime: Runtime,
  replaced: Replaced.Note? = nil
) throws(Diagnostic) {
  guard let step = path.first else {
    replaced?.replaced = .value(value)
    value = newValue
    return
  }
  let rest = path.dropFirst()
  switch (step, value) {
  case (.field(let name, let range), .record(var record)):
    value = .none
    defer { value = .record(record) }
    if let index = record.index(of: name) {
      try update(&record.fields[index].value, rest, with: newValue, runtime: runtime, replaced: replaced)
    } else if rest.isEmpty {
      replaced?.replaced = .newField
      record.fields.append((name, newValue))
    } else {
      _ = try field(of: .record(record), name, at: range, runtime: runtime)
    }
  case (.index(let subscripts, let range), .list(var items)):
    guard case .one(let index) = try sequencePosition(subscripts, count: items.count, what: "a list", range: range)
    else {
      throw Diagnostic("assign to one item of a list at a time, as in l[0] = x", at: range)
    }
    value = .none
    defer { value = .list(items) }
    try update(&items[index], rest, with: newValue, runtime: runtime, replaced: replaced)
  case (.index(let subscripts, let range), .tensor), (.index(let subscripts, let range), .number):
    guard rest.isEmpty else { throw Diagnostic("a tensor's elements have no parts to assign to", at: range) }
    guard var tensor = value.tensor, let part = newValue.tensor else {
      throw Diagnostic("a tensor's elements can only be set to numbers or tensors, got \(newValue.typeName)", at: range)
    }
    let indices = try tensorIndices(subscripts)
    if let replaced {
      replaced.replaced = .value(Value(try runtime.library(range, as: "index") { try tensor.subscripted(indices) }))
    }
    value = .none
    defer { value = Value(tensor) }
    if tensor.isTracked || part.isTracked {
      // While a gradient is computed, a new tensor that remembers where its parts came from.
      tensor = try runtime.library(range, as: "index") { try tensor.assigning(part, at: indices) }
    } else {
      try runtime.library(range, as: "index") { try tensor.assign(part, at: indices) }
    }
  case (.index(_, let range), .string):
    throw Diagnostic("strings cannot be changed in place; build a new one with +", at: range)
  case (.field(let name, let range), _):
    throw Diagnostic("cannot set field '\(name)' of a \(value.typeName); only records have fields", at: range)
  case (.index(_, let range), _):
    throw Diagnostic("cannot assign into a \(value.typeName)", at: range)
  }
}

/// Undoes an assignment into a part of `value`: puts `old` back at `path`,
/// or removes the field the assignment added.
func restorePart(_ value: inout Value, _ path: ArraySlice<PathStep>, to old: Replaced, runtime: Runtime) {
  switch old {
  case .value(let part):
    try? update(&value, path, with: part, runtime: runtime)
  case .newField:
    guard let step = path.first else { return }
    let rest = path.dropFirst()
    switch (step, value) {
    case (.field(let name, _), .record(var record)):
      value = .none
      if rest.isEmpty {
        record.fields.removeAll { $0.name == name }
      } else if let index = record.index(of: name) {
        restorePart(&record.fields[index].value, rest, to: old, runtime: runtime)
      }
      value = .record(record)
    case (.index(let subscripts, let range), .list(var items)):
      guard case .one(let index)? = try? sequencePosition(subscripts, count: items.count, what: "a list", range: range)
      else { return }
      value = .none
      restorePart(&items[index], rest, to: old, runtime: runtime)
      value = .list(items)
    default: return
    }
  }
}
