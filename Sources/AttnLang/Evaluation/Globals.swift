/// The session's variables, each in a numbered slot that compiled code
/// reaches directly; a name gets its slot the first time code mentioning it
/// is compiled, and keeps it (holding nothing until assigned).
final class Globals {
  private(set) var values: [Value?] = []
  private(set) var names: [String] = []
  private var slots: [String: Int] = [:]
  /// Names in the order they were first given a value.
  private(set) var order: [String] = []

  /// The slot of `name`, made if it has none.
  func slot(for name: String) -> Int {
    if let slot = slots[name] { return slot }
    slots[name] = values.count
    values.append(nil)
    names.append(name)
    return values.count - 1
  }

  /// The slot of `name` if it has one.
  func existingSlot(for name: String) -> Int? { slots[name] }

  subscript(slot: Int) -> Value? {
    @inline(__always) get { values[slot] }
  }

  @inline(__always)
  func store(_ value: Value, at slot: Int) {
    if values[slot] == nil { order.append(names[slot]) }
    values[slot] = value
  }

  /// Moves a slot's value out, so that an update can change it in place;
  /// ``store(_:at:)`` puts it back.
  @inline(__always)
  func take(_ slot: Int) -> Value? {
    let value = values[slot]
    values[slot] = nil
    return value
  }

  /// Puts back what ``take(_:)`` moved out, without counting it as new.
  @inline(__always)
  func restore(_ value: Value?, at slot: Int) { values[slot] = value }

  /// The value of `name`, if it has one.
  func value(of name: String) -> Value? { slots[name].flatMap { values[$0] } }

  func define(_ name: String, _ value: Value) { store(value, at: slot(for: name)) }

  /// Every variable with a value, in the order they were first assigned.
  var defined: [(name: String, value: Value)] {
    order.compactMap { name in value(of: name).map { (name, $0) } }
  }

  /// Forgets every value (slots stay, so compiled code stays valid).
  func removeAll() {
    for index in values.indices { values[index] = nil }
    order.removeAll()
  }

  /// What ``restore(_:)`` needs to undo a statement that failed part way.
  struct Snapshot {
    fileprivate var values: [Value?]
    fileprivate var order: [String]
  }

  var snapshot: Snapshot { Snapshot(values: values, order: order) }

  func restore(_ snapshot: Snapshot) {
    // Slots made since the snapshot stay, empty.
    values = snapshot.values + [Value?](repeating: nil, count: values.count - snapshot.values.count)
    order = snapshot.order
  }
}
