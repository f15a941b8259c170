/// A tensor's elements: contiguous values of one type in a single
/// allocation of the library's own, copied on write.
///
/// It reads like an array (a random-access, mutable collection with
/// `withUnsafeBufferPointer`, equal to an array of the same values) but is
/// allocated by the library rather than by `Array`, whose storage the
/// standard library makes through a generic, unspecialized path that looks
/// up type metadata at every allocation — a noticeable part of a small
/// statement's time. `Array(buffer)` gives the values as an array.
public struct TensorBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
  // Sendable: the storage is only written when uniquely referenced (copy on write).

  /// The allocation: the element count as its header, the elements after
  /// it. The header is two words so that the elements start 32 bytes into
  /// the allocation, 16-byte aligned as an array's are (the vector kernels
  /// run measurably slower on elements 8 bytes off).
  @usableFromInline
  final class Storage: ManagedBuffer<Header, Element> {}

  @usableFromInline
  struct Header {
    @usableFromInline var count: Int
    @usableFromInline var reserved = 0

    @inlinable init(count: Int) { self.count = count }
  }

  @usableFromInline var storage: Storage

  // Where the header and the elements are in the allocation: after the
  // object's two words (its type and reference count), the two-word header,
  // then the elements (aligned to at most 8 bytes). The elements are reached
  // through these offsets rather than ManagedBuffer's closures so that a
  // debug build (the test suite's) reads an element in a few instructions.
  // `TensorBufferTests` checks them against ManagedBuffer's own pointers.
  @usableFromInline static var headerOffset: Int { 16 }
  @usableFromInline static var elementOffset: Int { 32 }

  /// `count` elements the caller initializes every one of before reading.
  @inlinable
  init(uninitializedCount count: Int) {
    // The offsets above hold for 64-bit objects and elements aligned to at
    // most 16 bytes (both checks fold away).
    precondition(MemoryLayout<Int>.size == 8 && MemoryLayout<Element>.alignment <= 16, "unsupported element layout")
    storage = unsafeDowncast(Storage.create(minimumCapacity: count) { _ in Header(count: count) }, to: Storage.self)
  }

  /// `count` copies of `value`.
  @inlinable
  public init(repeating value: Element, count: Int) {
    self.init(uninitializedCount: count)
    baseAddress.initialize(repeating: value, count: count)
  }

  /// A copy of `values`.
  @inlinable
  public init(_ values: some Collection<Element>) {
    let count = values.count
    self.init(uninitializedCount: count)
    let target = baseAddress
    let copied: Void? = values.withContiguousStorageIfAvailable { source in
      if let base = source.baseAddress { target.initialize(from: base, count: count) }
    }
    if copied == nil {
      _ = UnsafeMutableBufferPointer(start: target, count: count).initialize(from: values)
    }
  }

  /// `count` elements, every one of which `initializer` writes (as
  /// `Array(unsafeUninitializedCapacity:initializingWith:)` with the whole
  /// capacity initialized).
  @inlinable
  init(
    unsafeUninitializedCount count: Int,
    initializingWith initializer: (UnsafeMutableBufferPointer<Element>) throws -> Void
  )
    rethrows
  {
    self.init(uninitializedCount: count)
    try withExtendedLifetime(storage) { try initializer(UnsafeMutableBufferPointer(start: baseAddress, count: count)) }
  }

  /// The first element's address (valid while `storage` is alive).
  @inlinable
  var baseAddress: UnsafeMutablePointer<Element> {
    unsafeBitCast(storage, to: UnsafeMutableRawPointer.self).advanced(by: Self.elementOffset)
      .assumingMemoryBound(to: Element.self)
  }

  /// Calls `body` with the elements, in place.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
    try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: baseAddress, count: count)) }
  }

  /// Calls `body` with the elements to modify in place (copying them first
  /// when another tensor shares them).
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
  ) rethrows -> R {
    makeUnique()
    var buffer = UnsafeMutableBufferPointer(start: baseAddress, count: count)
    return try withExtendedLifetime(storage) { try body(&buffer) }
  }

  @inlinable
  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&storage) {
      let copy = withUnsafeBufferPointer { TensorBuffer($0) }
      storage = copy.storage
    }
  }
}

extension TensorBuffer {
  /// Calls `body` with `buffer`'s elements, or with an empty buffer (no base
  /// address) when there is none.
  @inlinable
  static func withUnsafeBufferPointer<R>(
    _ buffer: TensorBuffer?, _ body: (UnsafeBufferPointer<Element>) throws -> R
  ) rethrows -> R {
    if let buffer { return try buffer.withUnsafeBufferPointer(body) }
    return try body(UnsafeBufferPointer(start: nil, count: 0))
  }

  /// Calls `body` with `buffer`'s elements to modify in place, or with an
  /// empty buffer when there is none.
  @inlinable
  static func withUnsafeMutableBufferPointer<R>(
    _ buffer: inout TensorBuffer?, _ body: (inout UnsafeMutableBufferPointer<Element>) throws -> R
  ) rethrows -> R {
    if let result = try buffer?.withUnsafeMutableBufferPointer(body) { return result }
    var empty = UnsafeMutableBufferPointer<Element>(start: nil, count: 0)
    return try body(&empty)
  }
}

extension TensorBuffer: RandomAccessCollection, MutableCollection {
  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { count }
  // Read through the header's address: the header property of a class is
  // checked for exclusive access at run time.
  @inlinable public var count: Int {
    unsafeBitCast(storage, to: UnsafeMutableRawPointer.self).advanced(by: Self.headerOffset)
      .assumingMemoryBound(to: Int.self).pointee
  }
  @inlinable public func index(after i: Int) -> Int { i + 1 }
  @inlinable public func index(before i: Int) -> Int { i - 1 }

  @inlinable
  public subscript(position: Int) -> Element {
    get {
      precondition(UInt(bitPattern: position) < UInt(count), "index out of range")
      return baseAddress[position]
    }
    set {
      precondition(UInt(bitPattern: position) < UInt(count), "index out of range")
      makeUnique()
      baseAddress[position] = newValue
    }
  }

  /// Reads the elements in order, from their address (no bounds check or
  /// collection call per element).
  public struct Iterator: IteratorProtocol {
    @usableFromInline let buffer: TensorBuffer
    @usableFromInline var position: Int
    @usableFromInline let end: Int

    @inlinable init(_ buffer: TensorBuffer) {
      (self.buffer, position, end) = (buffer, 0, buffer.count)
    }

    @inlinable
    public mutating func next() -> Element? {
      guard position < end else { return nil }
      defer { position += 1 }
      return buffer.baseAddress[position]
    }
  }

  @inlinable public func makeIterator() -> Iterator { Iterator(self) }

  @inlinable
  public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R? {
    try withUnsafeBufferPointer(body)
  }
}

extension TensorBuffer: ExpressibleByArrayLiteral {
  @inlinable
  public init(arrayLiteral elements: Element...) {
    self.init(elements)
  }
}

extension TensorBuffer: Equatable where Element: Equatable {
  /// Equal counts and elements (for floating point, NaN differs from itself).
  @inlinable
  public static func == (a: TensorBuffer, b: TensorBuffer) -> Bool {
    a.elementsEqual(b)
  }

  /// Whether the buffer holds exactly these values.
  @inlinable
  public static func == (buffer: TensorBuffer, values: [Element]) -> Bool {
    buffer.elementsEqual(values)
  }

  /// Whether the buffer holds exactly these values.
  @inlinable
  public static func == (values: [Element], buffer: TensorBuffer) -> Bool {
    buffer.elementsEqual(values)
  }

  /// Whether the buffer differs from these values.
  @inlinable
  public static func != (buffer: TensorBuffer, values: [Element]) -> Bool {
    !buffer.elementsEqual(values)
  }
}

extension TensorBuffer: CustomStringConvertible {
  /// The values as an array prints them.
  public var description: String { withUnsafeBufferPointer { Array($0) }.description }
}
