/// The sizes of a tensor's axes, outermost first: at most
/// ``Tensor/maximumRank`` of them, stored inline.
///
/// A shape is a random-access collection of `Int` that takes no allocation
/// of its own, so a tensor is its elements' storage and this value (no
/// second array to allocate, count references to and free for each
/// result). It compares equal to an array literal (`t.shape == [2, 3]`);
/// `Array(t.shape)` gives the sizes as an array.
///
/// A shape cannot grow past ``Tensor/maximumRank`` axes or hold a size
/// below 0 or above ``maximumSize``: making such a shape is a programming
/// error (a trap). Sizes from outside the library are checked with
/// ``Tensor/validate(shape:operation:)`` first, which throws instead.
public struct Shape: Sendable, Hashable, RandomAccessCollection, MutableCollection {
  /// The largest size an axis may have (2³² − 2): sizes are stored in 32
  /// bits, so that a tensor stays four words.
  public static let maximumSize = Int(UInt32.max - 1)

  // Sizes in 32 bits; a slot past the last axis holds `unused`, so the rank
  // is the number of leading used slots and needs no storage of its own.
  @usableFromInline static let unused = UInt32.max
  @usableFromInline var slots: (UInt32, UInt32, UInt32, UInt32) = (unused, unused, unused, unused)

  /// A rank-0 shape (a scalar's).
  @inlinable public init() {}

  /// A shape of the given sizes.
  ///
  /// - Precondition: at most ``Tensor/maximumRank`` sizes, each from 0 to
  ///   ``maximumSize``.
  @inlinable public init<Sizes: Collection<Int>>(_ sizes: Sizes) {
    precondition(sizes.count <= Tensor.maximumRank, "a shape has at most \(Tensor.maximumRank) axes")
    withUnsafeMutableSlots { slots in
      for (slot, size) in zip(slots.indices, sizes) { slots[slot] = Shape.slot(size) }
    }
  }

  /// A shape of `count` equal sizes.
  ///
  /// - Precondition: `count` is at most ``Tensor/maximumRank``.
  @inlinable public init(repeating size: Int, count: Int) {
    precondition(count >= 0 && count <= Tensor.maximumRank, "a shape has at most \(Tensor.maximumRank) axes")
    let slot = Shape.slot(size)
    withUnsafeMutableSlots { slots in
      for index in 0..<count { slots[index] = slot }
    }
  }

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { count }
  @inlinable public var count: Int {
    slots.0 == Shape.unused
      ? 0 : slots.1 == Shape.unused ? 1 : slots.2 == Shape.unused ? 2 : slots.3 == Shape.unused ? 3 : 4
  }
  @inlinable public var isEmpty: Bool { slots.0 == Shape.unused }

  @inlinable public subscript(axis: Int) -> Int {
    get {
      precondition(UInt(bitPattern: axis) < UInt(count), "axis out of range")
      return withUnsafeBytes(of: slots) {
        Int($0.load(fromByteOffset: axis &* MemoryLayout<UInt32>.stride, as: UInt32.self))
      }
    }
    set {
      precondition(UInt(bitPattern: axis) < UInt(count), "axis out of range")
      let slot = Shape.slot(newValue)
      withUnsafeMutableSlots { $0[axis] = slot }
    }
  }

  /// Adds an axis of `size` before `axis` (`count` appends it).
  ///
  /// - Precondition: the shape has fewer than ``Tensor/maximumRank`` axes.
  @inlinable public mutating func insert(_ size: Int, at axis: Int) {
    let rank = count
    precondition(rank < Tensor.maximumRank, "a shape has at most \(Tensor.maximumRank) axes")
    precondition(axis >= 0 && axis <= rank, "axis out of range")
    let slot = Shape.slot(size)
    withUnsafeMutableSlots { slots in
      var index = rank
      while index > axis {
        slots[index] = slots[index - 1]
        index -= 1
      }
      slots[axis] = slot
    }
  }

  /// Adds an axis of `size` after the last.
  ///
  /// - Precondition: the shape has fewer than ``Tensor/maximumRank`` axes.
  @inlinable public mutating func append(_ size: Int) { insert(size, at: count) }

  /// Removes `axis` and returns its size.
  @inlinable @discardableResult
  public mutating func remove(at axis: Int) -> Int {
    let (size, last) = (self[axis], count - 1)
    withUnsafeMutableSlots { slots in
      for index in axis..<last { slots[index] = slots[index + 1] }
      slots[last] = Shape.unused
    }
    return size
  }

  /// Removes the last axis and returns its size.
  @inlinable @discardableResult
  public mutating func removeLast() -> Int { remove(at: count - 1) }

  /// The axes of `a` followed by those of `b`.
  ///
  /// - Precondition: together at most ``Tensor/maximumRank`` axes.
  @inlinable public static func + (a: Shape, b: Shape) -> Shape {
    var result = a
    for size in b { result.append(size) }
    return result
  }

  @inlinable public func index(after i: Int) -> Int { i + 1 }
  @inlinable public func index(before i: Int) -> Int { i - 1 }

  /// The number of elements a tensor of this shape holds (1 for a scalar).
  ///
  /// Shapes a library tensor has fit `Int`: every one was validated
  /// (``Tensor/validate(shape:operation:)``) or built from validated ones.
  @inlinable public var elementCount: Int {
    var product = 1
    for size in self { product &*= size }
    return product
  }

  @inlinable public static func == (a: Shape, b: Shape) -> Bool {
    a.slots.0 == b.slots.0 && a.slots.1 == b.slots.1 && a.slots.2 == b.slots.2 && a.slots.3 == b.slots.3
  }

  @inlinable public func hash(into hasher: inout Hasher) {
    hasher.combine(slots.0)
    hasher.combine(slots.1)
    hasher.combine(slots.2)
    hasher.combine(slots.3)
  }

  @inlinable static func slot(_ size: Int) -> UInt32 {
    precondition(size >= 0 && size <= maximumSize, "an axis size from 0 to \(maximumSize)")
    return UInt32(truncatingIfNeeded: size)
  }

  @inlinable mutating func withUnsafeMutableSlots<R>(_ body: (UnsafeMutableBufferPointer<UInt32>) -> R) -> R {
    withUnsafeMutableBytes(of: &slots) { bytes in
      body(bytes.bindMemory(to: UInt32.self))
    }
  }
}

extension Shape: ExpressibleByArrayLiteral {
  /// A shape of the listed sizes (`[2, 3]`).
  @inlinable public init(arrayLiteral sizes: Int...) {
    self.init(sizes)
  }
}

extension Shape: CustomStringConvertible {
  /// The sizes as an array prints them: `[2, 3]`.
  @inlinable public var description: String { Array(self).description }
}

extension Shape {
  /// Whether the shape holds exactly these sizes (so that a shape compares
  /// with an array: `t.shape == sizes`).
  @inlinable public static func == (shape: Shape, sizes: [Int]) -> Bool {
    shape.elementsEqual(sizes)
  }

  /// Whether the shape holds exactly these sizes.
  @inlinable public static func == (sizes: [Int], shape: Shape) -> Bool {
    shape.elementsEqual(sizes)
  }

  /// Whether the shape differs from these sizes.
  @inlinable public static func != (shape: Shape, sizes: [Int]) -> Bool {
    !shape.elementsEqual(sizes)
  }

  /// Whether the shape differs from these sizes.
  @inlinable public static func != (sizes: [Int], shape: Shape) -> Bool {
    !shape.elementsEqual(sizes)
  }
}
