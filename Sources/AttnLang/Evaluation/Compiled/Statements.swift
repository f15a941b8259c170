import Attention

// Statements: assignments, blocks, conditions and loops.

/// A bare expression at the top (also inside top-level loops and
/// conditions): its value is kept in `ans` and printed unless silenced.
final class Show: Compiled.Statement {
  let value: Compiled.Expression
  let ans: Int
  let isSilent: Bool

  init(_ value: Compiled.Expression, ans: Int, isSilent: Bool) {
    self.value = value
    self.ans = ans
    self.isSilent = isSilent
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    let result = try value.evaluate(frame)
    if case .none = result { return .next }
    frame.globals.store(result, at: ans)
    if !isSilent { frame.runtime.show(result) }
    return .next
  }
}

/// A bare expression inside a function: run for its effects (`print`).
final class Discard: Compiled.Statement {
  let value: Compiled.Expression

  init(_ value: Compiled.Expression) { self.value = value }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    _ = try value.evaluate(frame)
    return .next
  }
}

/// `name = value`.
final class Assign: Compiled.Statement {
  let slot: Slot
  let value: Compiled.Expression

  init(_ slot: Slot, _ value: Compiled.Expression) {
    self.slot = slot
    self.value = value
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    frame.store(try value.evaluate(frame), in: slot)
    return .next
  }
}

/// One step of an assignment's target after the name, compiled.
enum PathCode {
  case field(String, SourceRange)
  case index([SubscriptCode], SourceRange)
}

/// `r.lr = 0.2`, `l[0] = x`, `m.layer.w[0] = 5`: the variable's value is
/// moved out of its slot, changed in place and put back, so a value only
/// one variable holds is not copied.
final class AssignPart: Compiled.Statement {
  let slot: Slot
  let path: [PathCode]
  let value: Compiled.Expression
  let missing: (Frame) -> Diagnostic

  init(_ slot: Slot, path: [PathCode], value: Compiled.Expression, missing: @escaping (Frame) -> Diagnostic) {
    self.slot = slot
    self.path = path
    self.value = value
    self.missing = missing
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    let newValue = try value.evaluate(frame)
    var steps: [PathStep] = []
    steps.reserveCapacity(path.count)
    for step in path {
      switch step {
      case .field(let name, let range): steps.append(.field(name, range))
      case .index(let items, let range): steps.append(.index(try AttnLang.evaluate(items, in: frame), range))
      }
    }
    let (taken, logsInverse) = frame.take(slot)
    guard var root = taken else { throw missing(frame) }
    defer { frame.putBack(root, in: slot) }
    let note = logsInverse ? Replaced.Note() : nil
    try update(&root, steps[...], with: newValue, runtime: frame.runtime, replaced: note)
    if let replaced = note?.replaced, case .global(let index) = slot {
      frame.logChange(.assigned(slot: index, path: steps, old: replaced))
    }
    return .next
  }
}

/// `l = append(l, x)`: appends in place (amortized O(1)) when `l` holds a list.
final class AppendInPlace: Compiled.Statement {
  let slot: Slot
  let item: Compiled.Expression
  /// The call as written, for anything but a list (it says what is wrong).
  let general: Compiled.Expression

  /// The call, where a too-long list is reported.
  let range: SourceRange

  init(_ slot: Slot, item: Compiled.Expression, general: Compiled.Expression, range: SourceRange) {
    self.slot = slot
    self.item = item
    self.general = general
    self.range = range
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    let newItem = try item.evaluate(frame)
    var (taken, logsInverse) = frame.take(slot)
    guard case .list(var items)? = taken else {
      frame.putBack(taken, in: slot)
      frame.store(try general.evaluate(frame), in: slot)
      return .next
    }
    taken = nil  // `items` is now the list's only holder: it grows in place
    do {
      try frame.runtime.checkLength(items.count + 1, of: "list", operation: "append", at: range)
    } catch {
      frame.putBack(.list(items), in: slot)
      throw error
    }
    items.append(newItem)
    frame.putBack(.list(items), in: slot)
    if logsInverse, case .global(let index) = slot { frame.logChange(.appended(slot: index)) }
    return .next
  }
}

/// Statements in order, until one breaks, continues or returns.
final class StatementList: Compiled.Statement {
  let statements: [Compiled.Statement]

  init(_ statements: [Compiled.Statement]) { self.statements = statements }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    for statement in statements {
      let flow = try statement.execute(frame)
      if case .next = flow { continue }
      return flow
    }
    return .next
  }
}

/// `if … { } else if … { } else { }`.
final class Conditional: Compiled.Statement {
  let arms: [(test: Compiled.Expression, range: SourceRange, body: Compiled.Statement)]
  let otherwise: (Compiled.Statement)?

  init(
    arms: [(test: Compiled.Expression, range: SourceRange, body: Compiled.Statement)],
    otherwise: (Compiled.Statement)?
  ) {
    self.arms = arms
    self.otherwise = otherwise
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    for arm in arms where try truth(try arm.test.evaluate(frame), at: arm.range) {
      return try arm.body.execute(frame)
    }
    return try otherwise?.execute(frame) ?? .next
  }
}

/// `while condition { … }`.
final class While: Compiled.Statement {
  let condition: Compiled.Expression
  let range: SourceRange
  let body: Compiled.Statement

  init(_ condition: Compiled.Expression, range: SourceRange, body: Compiled.Statement) {
    self.condition = condition
    self.range = range
    self.body = body
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    let runtime = frame.runtime
    let stop = runtime.context.stop
    var done = 0
    while try truth(try condition.evaluate(frame), at: range) {
      if stop.isRequested { throw Diagnostic(runtime.stopMessage, at: range) }
      let flow = try body.execute(frame)
      done += 1
      runtime.iterationFinished(range, count: done, in: frame)
      switch flow {
      case .next, .continueLoop: continue
      case .breakLoop: return .next
      case .returned(let value): return .returned(value)
      }
    }
    return .next
  }
}

/// `for x in sequence { … }`: counting `range(…)` without making the list,
/// or walking a list's items, a string's characters, a tensor's rows; with
/// `progress(…)` around the sequence, reporting each step and ending early
/// (keeping what the steps did) at Ctrl-C.
final class ForLoop: Compiled.Statement {
  enum Sequence {
    /// `range(…)`'s arguments, evaluated when the loop starts.
    case range([(Compiled.Expression, SourceRange)])
    case items(Compiled.Expression)
  }

  let slot: Slot
  let sequence: Sequence
  let range: SourceRange
  let body: Compiled.Statement
  let progress: ProgressCode?

  init(_ slot: Slot, sequence: Sequence, range: SourceRange, body: Compiled.Statement, progress: ProgressCode?) {
    self.slot = slot
    self.sequence = sequence
    self.range = range
    self.body = body
    self.progress = progress
  }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
    switch sequence {
    case .range(let bounds):
      var numbers: [Double] = []
      for (code, boundRange) in bounds {
        numbers.append(try wholeNumber(try code.evaluate(frame), at: boundRange, what: "a range bound"))
      }
      let (start, end, step) = try rangeBounds(numbers, at: range)
      let count = max(0, Int(((end - start) / step).rounded(.up)))
      return try run(frame, count: count) { .number(start + Double($0) * step) }
    case .items(let code):
      let items = try code.evaluate(frame)
      let count = try length(of: items, at: range, for: "iterate over")
      return try run(frame, count: count) { (position) throws(Diagnostic) -> Value in
        try element(of: items, at: position, range: range)
      }
    }
  }

  func run(_ frame: Frame, count: Int, item: (Int) throws(Diagnostic) -> Value) throws(Diagnostic) -> Flow {
    let runtime = frame.runtime
    let stop = runtime.context.stop
    let reporter = progress != nil ? runtime.session.progress : nil
    var tokensPerStep: Double? = nil
    if let tokens = progress?.tokens {
      guard case .number(let value) = try tokens.code.evaluate(frame), value > 0, value.isFinite else {
        throw Diagnostic("progress: tokens: must be a positive number (tokens per step)", at: tokens.range)
      }
      tokensPerStep = value
    }
    reporter?.started(total: count, showing: progress?.shown?.name, tokensPerStep: tokensPerStep)
    var done = 0
    var flow = Flow.next
    do throws(Diagnostic) {
      steps: for position in 0..<count {
        if stop.isRequested {
          if progress != nil, stop.takeInterruption() {
            reporter?.finished(steps: done, of: count, stopped: true)
            return .next
          }
          throw Diagnostic(frame.runtime.stopMessage, at: range)
        }
        frame.store(try item(position), in: slot)
        let result = try body.execute(frame)
        done = position + 1
        runtime.iterationFinished(range, count: done, in: frame)
        if let reporter, let progress {
          reporter.advanced(to: done, of: count, showing: progress.shown.flatMap { frame.read($0.slot) })
        }
        switch result {
        case .next, .continueLoop: continue
        case .breakLoop: break steps
        case .returned:
          flow = result
          break steps
        }
      }
    } catch {
      reporter?.finished(steps: done, of: count, stopped: false)
      throw error
    }
    reporter?.finished(steps: done, of: count, stopped: false)
    return flow
  }
}

/// `break`, `continue`, or `return` without a value.
final class Jump: Compiled.Statement {
  let flow: Flow

  init(_ flow: Flow) { self.flow = flow }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow { flow }
}

/// `return value`.
final class Return: Compiled.Statement {
  let value: Compiled.Expression

  init(_ value: Compiled.Expression) { self.value = value }

  override func execute(_ frame: Frame) throws(Diagnostic) -> Flow { .returned(try value.evaluate(frame)) }
}
