import _System

/// Frees nested values without recursion, as CPython's "trashcan" does.
///
/// Freeing a list frees its items, which may be lists: left to Swift, a
/// list nested four million deep is freed by four million nested calls and
/// overflows the stack. Instead, a container about to be freed hands its
/// items to its thread's bin; the outermost free then empties the bin in a
/// loop, and a container freed by that loop only adds its items to the bin
/// (the loop is already running) — so the depth of the calls stays two,
/// whatever the depth of the value.
enum Trashcan {
  /// A thread's values waiting to be freed, and whether it is freeing them.
  final class Bin {
    var pending: [Value] = []
    var draining = false
  }

  /// The calling thread's bin, made on first use (and kept with the thread).
  static var bin: Bin {
    if let raw = attn_thread_trashcan() { return Unmanaged<Bin>.fromOpaque(raw).takeUnretainedValue() }
    let made = Bin()
    attn_set_thread_trashcan(Unmanaged.passRetained(made).toOpaque())
    return made
  }

  /// Frees `values` (leaving the array empty) through the bin when any of
  /// them can hold further values; plain numbers and tensors free as usual.
  static func dispose(_ values: inout [Value]) {
    guard values.contains(where: \.holdsValues) else { return }
    let bin = self.bin
    bin.pending.append(contentsOf: values)
    values.removeAll()
    guard !bin.draining else { return }
    bin.draining = true
    // Each value dropped here may free a container, whose items join the bin.
    while let value = bin.pending.popLast() { _ = consume value }
    bin.pending = []
    bin.draining = false
  }
}

extension Value {
  /// Whether the value can hold other values (and so nest): a list, a
  /// record, or a function that captured values.
  var holdsValues: Bool {
    switch self {
    case .list, .record, .function: return true
    default: return false
    }
  }
}
