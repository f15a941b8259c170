/// The items of a list value: an array with value semantics, freed through
/// the `Trashcan` so that a list nested millions deep is freed, and
/// never overflows the stack. Its storage is copied on write, as Array's.
public struct ValueList {
  /// The items, in a class whose deinit hands them to the trashcan.
  /// Mutated only while uniquely referenced (copy-on-write), so sharing it
  /// between threads shares only reads.
  final class Storage {
    var items: [Value]
    init(_ items: [Value]) { self.items = items }
    deinit { Trashcan.dispose(&items) }
  }

  private var storage: Storage

  public init() { storage = Storage([]) }

  public init(_ items: [Value]) { storage = Storage(items) }

  public init<S: Sequence>(_ items: S) where S.Element == Value { storage = Storage(Array(items)) }

  /// The items as an array (sharing the storage's buffer until either changes).
  public var items: [Value] { storage.items }

  /// Whether the two lists hold the very same items (one was copied from the other).
  func sharesStorage(with other: ValueList) -> Bool { storage === other.storage }

  /// The storage, unshared, for a change.
  private mutating func unique() {
    if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.items) }
  }
}

extension ValueList: RandomAccessCollection, MutableCollection {
  public var startIndex: Int { 0 }
  public var endIndex: Int { storage.items.count }

  public subscript(position: Int) -> Value {
    get { storage.items[position] }
    set {
      unique()
      storage.items[position] = newValue
    }
  }
}

extension ValueList: RangeReplaceableCollection {
  public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C)
  where C.Element == Value {
    unique()
    storage.items.replaceSubrange(subrange, with: newElements)
  }

  public mutating func reserveCapacity(_ n: Int) {
    unique()
    storage.items.reserveCapacity(n)
  }

  public mutating func append(_ newElement: Value) {
    unique()
    storage.items.append(newElement)
  }
}

extension ValueList: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: Value...) { self.init(elements) }
}

extension ValueList: Equatable {
  public static func == (a: ValueList, b: ValueList) -> Bool { Value.list(a) == Value.list(b) }
}

extension Value {
  /// A list value holding `items`.
  @inline(__always)
  public static func list(_ items: [Value]) -> Value { .list(ValueList(items)) }
}
