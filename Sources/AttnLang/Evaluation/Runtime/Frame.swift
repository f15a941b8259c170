/// Code compiled from the syntax tree, once per statement or function: a
/// tree of small objects with names resolved to slots, each node knowing
/// how to run itself (a tree-walker, but one that never looks at syntax or
/// looks up a name by its spelling while it runs).
///
/// Nodes are subclasses of two classes rather than conformers of two
/// protocols: a class method is one indirect call, where a protocol
/// requirement adds a thunk per node — it shows in a loop's profile.
enum Compiled {
  /// An expression, compiled. Every subclass overrides ``evaluate(_:)``.
  class Expression {
    func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
      preconditionFailure("\(type(of: self)) does not override evaluate")
    }
  }

  /// A statement, compiled; it says how it ended. Every subclass overrides ``execute(_:)``.
  class Statement {
    func execute(_ frame: Frame) throws(Diagnostic) -> Flow {
      preconditionFailure("\(type(of: self)) does not override execute")
    }
  }
}

/// How a statement ended.
enum Flow {
  case next
  case breakLoop
  case continueLoop
  case returned(Value)
}

/// Where a variable lives, decided when code is compiled.
enum Slot {
  /// A slot of the current frame (a parameter, a local, a captured value).
  case local(Int)
  /// A session variable.
  case global(Int)
}

/// One call's slots: parameters, captured values and locals (nil until
/// assigned). Top-level code runs in a frame without slots.
final class Frame {
  let slots: UnsafeMutablePointer<Value?>
  let slotCount: Int
  // Strong references: reading a `let` of a frame the caller holds needs no
  // retain, where an unowned one would be retained at each use.
  let runtime: Runtime
  let globals: Globals
  /// The function running in this frame, for a nested `def` calling itself.
  let function: Function?

  init(runtime: Runtime, slotCount: Int, function: Function?) {
    self.runtime = runtime
    self.globals = runtime.globals
    self.slotCount = slotCount
    slots = .allocate(capacity: max(slotCount, 1))
    slots.initialize(repeating: nil, count: slotCount)
    self.function = function
  }

  deinit {
    slots.deinitialize(count: slotCount)
    slots.deallocate()
  }

  @inline(__always)
  func read(_ slot: Slot) -> Value? {
    switch slot {
    case .local(let index): return slots[index]
    case .global(let index): return globals[index]
    }
  }

  @inline(__always)
  func store(_ value: Value, in slot: Slot) {
    switch slot {
    case .local(let index): slots[index] = value
    case .global(let index): globals.store(value, at: index)
    }
  }

  /// Moves a variable's value out, so that an update can change it in place;
  /// ``putBack(_:in:)`` returns it. `logsInverse` is true when the change
  /// must be logged for undoing the running loop iteration (``Globals/take(_:)``).
  @inline(__always)
  func take(_ slot: Slot) -> (value: Value?, logsInverse: Bool) {
    switch slot {
    case .local(let index):
      let value = slots[index]
      slots[index] = nil
      return (value, false)
    case .global(let index): return globals.take(index)
    }
  }

  /// Logs how to undo an in-place change of a session variable.
  func logChange(_ change: Globals.IterationChange) { globals.logChange(change) }

  @inline(__always)
  func putBack(_ value: Value?, in slot: Slot) {
    switch slot {
    case .local(let index): slots[index] = value
    case .global(let index): globals.putBack(value, at: index)
    }
  }
}
