/// The session's variables, each in a numbered slot that compiled code
/// reaches directly; a name gets its slot the first time code mentioning it
/// is compiled, and keeps it (holding nothing until assigned).
///
/// While a top-level statement runs, the first change to each slot is
/// written down, so that a statement that fails part way can be undone
/// whole: ``begin()``, then ``commit()`` or ``rollBack()``. A loop running
/// at the top level marks the end of each iteration with ``checkpoint()``;
/// from then on the first change to each slot since the last checkpoint is
/// written down too, so ``rollBackIteration()`` can undo only the iteration
/// that failed (or was interrupted) and keep the completed ones.
///
/// Its properties are `@exclusivity(unchecked)`: Swift's run-time check of
/// overlapping accesses to a class's stored properties costs 60% of a plain
/// loop (`s = s + i` 100 000 times: 12.1–13.8 ms checked, 7.4–7.7 ms
/// unchecked, 2026-12-05). Nothing here can overlap: `Globals` belongs to
/// one `Session`, which is not Sendable, and no accessor calls out while it
/// holds a property.
final class Globals {
  @exclusivity(unchecked) private var storage: UnsafeMutablePointer<Value?>
  /// The statement each slot was last changed in (see ``generation``).
  @exclusivity(unchecked) private var changedIn: UnsafeMutablePointer<UInt64>
  /// The loop iteration each slot was last changed in (see ``iteration``).
  @exclusivity(unchecked) private var changedInIteration: UnsafeMutablePointer<UInt64>
  private var capacity: Int
  private(set) var count = 0
  private(set) var names: [String] = []
  private var slots: [String: Int] = [:]
  /// Names in the order they were first given a value.
  @exclusivity(unchecked) private(set) var order: [String] = []
  /// Counts top-level statements; 0 means none is running (nothing to undo).
  @exclusivity(unchecked) private var generation: UInt64 = 0
  @exclusivity(unchecked) private var nextGeneration: UInt64 = 1
  /// What the running statement replaced: each slot's value before its first change.
  private var undo: [(slot: Int, value: Value?)] = []
  private var orderCount = 0
  /// Counts loop iterations since the last checkpoint; 0 before the first
  /// checkpoint of a statement (nothing to log per iteration yet).
  @exclusivity(unchecked) private var iteration: UInt64 = 0
  /// How to undo the running iteration, oldest first: the value a slot had
  /// at the last checkpoint, or — for a value changed in place, which
  /// keeping a reference to would copy at every step — the inverse of the change.
  @exclusivity(unchecked) private var iterationUndo: [IterationChange] = []

  /// One change of the running loop iteration, and how it is undone.
  enum IterationChange {
    /// The slot held `value` at the last checkpoint.
    case replaced(slot: Int, value: Value?)
    /// An item was appended to the list in the slot.
    case appended(slot: Int)
    /// The part of the slot's value at `path` was `old` (or did not exist: a new field).
    case assigned(slot: Int, path: [PathStep], old: Replaced)
  }
  @exclusivity(unchecked) private var iterationOrderCount = 0

  init() {
    capacity = 16
    storage = .allocate(capacity: capacity)
    changedIn = .allocate(capacity: capacity)
    changedInIteration = .allocate(capacity: capacity)
  }

  deinit {
    storage.deinitialize(count: count)
    storage.deallocate()
    changedIn.deallocate()
    changedInIteration.deallocate()
  }

  /// The slot of `name`, made if it has none.
  func slot(for name: String) -> Int {
    if let slot = slots[name] { return slot }
    if count == capacity { grow() }
    (storage + count).initialize(to: nil)
    changedIn[count] = 0
    changedInIteration[count] = 0
    slots[name] = count
    names.append(name)
    count += 1
    return count - 1
  }

  private func grow() {
    let larger = capacity * 2
    let newStorage = UnsafeMutablePointer<Value?>.allocate(capacity: larger)
    newStorage.moveInitialize(from: storage, count: count)
    storage.deallocate()
    storage = newStorage
    let newChanged = UnsafeMutablePointer<UInt64>.allocate(capacity: larger)
    newChanged.update(from: changedIn, count: count)
    changedIn.deallocate()
    changedIn = newChanged
    let newChangedInIteration = UnsafeMutablePointer<UInt64>.allocate(capacity: larger)
    newChangedInIteration.update(from: changedInIteration, count: count)
    changedInIteration.deallocate()
    changedInIteration = newChangedInIteration
    capacity = larger
  }

  subscript(slot: Int) -> Value? {
    @inline(__always) get { storage[slot] }
  }

  /// Sets a slot, writing down its old value the first time the running statement changes it.
  @inline(__always)
  func store(_ value: Value, at slot: Int) {
    remember(slot)
    if storage[slot] == nil { order.append(names[slot]) }
    storage[slot] = value
  }

  @inline(__always)
  private func remember(_ slot: Int) {
    guard generation != 0 else { return }
    rememberForStatement(slot)
    if iteration != 0, changedInIteration[slot] != iteration {
      changedInIteration[slot] = iteration
      iterationUndo.append(.replaced(slot: slot, value: storage[slot]))
    }
  }

  @inline(__always)
  private func rememberForStatement(_ slot: Int) {
    guard generation != 0, changedIn[slot] != generation else { return }
    changedIn[slot] = generation
    undo.append((slot, storage[slot]))
  }

  /// Moves a slot's value out, so that an update can change it in place;
  /// ``putBack(_:at:)`` returns it. Returns too whether the caller must log
  /// the change's inverse for the running iteration (``logChange(_:)``):
  /// keeping the value itself would make the change copy it.
  @inline(__always)
  func take(_ slot: Int) -> (value: Value?, logsInverse: Bool) {
    rememberForStatement(slot)
    let logsInverse = generation != 0 && iteration != 0 && changedInIteration[slot] != iteration
    let value = storage[slot]
    storage[slot] = nil
    return (value, logsInverse)
  }

  /// Logs how to undo an in-place change for the running iteration.
  func logChange(_ change: IterationChange) { iterationUndo.append(change) }

  /// Returns what ``take(_:)`` moved out (its order stays as it was).
  @inline(__always)
  func putBack(_ value: Value?, at slot: Int) { storage[slot] = value }

  /// The value of `name`, if it has one.
  func value(of name: String) -> Value? { slots[name].flatMap { storage[$0] } }

  func define(_ name: String, _ value: Value) { store(value, at: slot(for: name)) }

  /// Every variable with a value, in the order they were first assigned.
  var defined: [(name: String, value: Value)] {
    var seen = Set<String>()
    return order.compactMap { name in
      guard seen.insert(name).inserted, let value = value(of: name) else { return nil }
      return (name, value)
    }
  }

  /// Forgets every value (slots stay, so compiled code stays valid).
  func removeAll() {
    for index in 0..<count { storage[index] = nil }
    order.removeAll()
    undo.removeAll()
    iterationUndo.removeAll()
  }

  // MARK: Trying without keeping

  /// Every slot's value and the order of the names, to put back with ``restore(_:)``.
  struct Snapshot {
    fileprivate var values: [Value?]
    fileprivate var order: [String]
  }

  /// The variables as they are now (values are shared, not copied).
  func snapshot() -> Snapshot {
    Snapshot(values: Array(UnsafeBufferPointer(start: storage, count: count)), order: order)
  }

  /// Puts every variable back as it was at `snapshot`; names made since hold nothing.
  func restore(_ snapshot: Snapshot) {
    for index in 0..<count { storage[index] = index < snapshot.values.count ? snapshot.values[index] : nil }
    order = snapshot.order
    undo.removeAll()
    iterationUndo.removeAll()
  }

  // MARK: Undoing a statement

  /// Starts a top-level statement: changes from here on can be rolled back.
  func begin() {
    generation = nextGeneration
    nextGeneration += 1
    clearUndo()
    orderCount = order.count
    endIterations()
  }

  /// Keeps the statement's changes.
  func commit() {
    generation = 0
    clearUndo()
    endIterations()
  }

  /// Puts back every slot the statement changed, as it was before.
  func rollBack() {
    for (slot, value) in undo.reversed() { storage[slot] = value }
    if order.count > orderCount { order.removeSubrange(orderCount...) }
    commit()
  }

  /// Marks the end of a loop iteration in the running statement: what it
  /// did is kept by ``rollBackIteration()``. Runs at every iteration of a
  /// top-level loop, so it touches only what the iteration changed.
  @inline(__always)
  func checkpoint() {
    guard generation != 0 else { return }
    iteration = nextGeneration
    nextGeneration &+= 1
    if !iterationUndo.isEmpty { iterationUndo.removeAll(keepingCapacity: true) }
    iterationOrderCount = order.count
  }

  /// Whether the running statement passed a ``checkpoint()``.
  var hasCheckpoint: Bool { iteration != 0 }

  /// Puts back what the statement changed since its last checkpoint (all
  /// of it, without one) and ends the statement, keeping the rest.
  func rollBackIteration(runtime: Runtime) {
    guard hasCheckpoint else { return rollBack() }
    for change in iterationUndo.reversed() {
      switch change {
      case .replaced(let slot, let value):
        storage[slot] = value
      case .appended(let slot):
        guard case .list(var items)? = storage[slot] else { continue }
        storage[slot] = nil
        items.removeLast()
        storage[slot] = .list(items)
      case .assigned(let slot, let path, let old):
        guard var root = storage[slot] else { continue }
        storage[slot] = nil
        restorePart(&root, path[...], to: old, runtime: runtime)
        storage[slot] = root
      }
    }
    if order.count > iterationOrderCount { order.removeSubrange(iterationOrderCount...) }
    commit()
  }

  /// Empties the journal keeping its storage, entry by entry: it holds one
  /// or two entries after most statements (`ans`), and `removeAll` is a
  /// generic range replacement that costs more than that, once per statement.
  /// (Through one `inout` access: a loop on the property checks exclusive
  /// access at every step.)
  private func clearUndo() {
    func empty(_ entries: inout [(slot: Int, value: Value?)]) {
      while !entries.isEmpty { entries.removeLast() }
    }
    empty(&undo)
  }

  private func endIterations() {
    iteration = 0
    if !iterationUndo.isEmpty { iterationUndo.removeAll(keepingCapacity: true) }
  }
}
