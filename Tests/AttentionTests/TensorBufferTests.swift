import Testing

@testable import Attention

/// `TensorBuffer`, a tensor's elements: its layout assumptions, copy on
/// write, and the tensor API around it.
@Suite struct TensorBufferTests {
  /// The offsets the buffer reads its count and elements at are where
  /// ManagedBuffer puts its header and elements, for every element type.
  @Test func offsetsAreManagedBuffersOwn() {
    func check<Element: BitwiseCopyable>(_: Element.Type) {
      let buffer = TensorBuffer<Element>(uninitializedCount: 3)
      let object = unsafeBitCast(buffer.storage, to: UnsafeMutableRawPointer.self)
      buffer.storage.withUnsafeMutablePointers { header, elements in
        #expect(UnsafeMutableRawPointer(header) == object + TensorBuffer<Element>.headerOffset)
        #expect(UnsafeMutableRawPointer(elements) == object + TensorBuffer<Element>.elementOffset)
        #expect(header.pointee.count == 3)
      }
      #expect(Int(bitPattern: buffer.baseAddress) % 16 == 0, "elements 16-byte aligned as an array's")
      #expect(buffer.count == 3)
    }
    check(Double.self)
    check(Float.self)
    check(UInt16.self)
  }

  @Test func copiesOnWrite() {
    let original: TensorBuffer<Double> = [1, 2, 3]
    var copy = original
    copy[1] = 20
    #expect(original == [1, 2, 3] && copy == [1, 20, 3])
    var other = copy
    other.withUnsafeMutableBufferPointer { $0[0] = -1 }
    #expect(copy == [1, 20, 3] && other == [-1, 20, 3])
    var unique = TensorBuffer<Double>(repeating: 0, count: 2)
    let address = unique.baseAddress
    unique[0] = 5
    #expect(unique.baseAddress == address, "a unique buffer is written in place")
  }

  @Test func readsAsACollection() {
    let buffer = TensorBuffer<Float>([0.5, 1.5, 2.5, 3.5])
    #expect(Array(buffer) == [0.5, 1.5, 2.5, 3.5])
    #expect(buffer.reduce(0, +) == 8)
    #expect(Array(buffer[1..<3]) == [1.5, 2.5])
    #expect(buffer.map { $0 * 2 } == [1, 3, 5, 7])
    #expect(TensorBuffer<Double>([]).isEmpty)
    #expect(buffer.description == "[0.5, 1.5, 2.5, 3.5]")
  }

  @Test func aTensorSharesItsBuffer() throws {
    let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    var y = x
    y.scalars[3] = 40
    #expect(x.scalars == [1, 2, 3, 4] && y.scalars == [1, 2, 3, 40])
    #expect(x.scalars == [1, 2, 3, 4])
    let z = try Tensor(shape: [4], scalars: x.scalars)
    #expect(z.scalars.baseAddress == x.scalars.baseAddress, "made from a buffer without a copy")
    // A float32 tensor's buffer widens: written values round to float32.
    var single = x.converted(to: .float32)
    single.scalars[0] = 0.1
    #expect(single.scalars[0] == Double(Float(0.1)) && single.dtype == .float32)
  }
}
