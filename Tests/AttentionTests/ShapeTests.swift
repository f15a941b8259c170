import Attention
import Testing

/// `Shape`, the inline sizes of a tensor, and the operations whose result
/// has more axes than their inputs (they must throw past rank 4, not trap).
@Suite struct ShapeTests {
  @Test func holdsItsSizesAsACollection() {
    let shape: Shape = [2, 3, 5]
    #expect(shape.count == 3)
    #expect(Array(shape) == [2, 3, 5])
    #expect(shape[0] == 2 && shape[2] == 5)
    #expect(shape.last == 5)
    #expect(shape.elementCount == 30)
    #expect(Array(shape.dropFirst()) == [3, 5])
    #expect(Shape().isEmpty && Shape().count == 0 && Shape().elementCount == 1)
    #expect(Shape([0, 7]).elementCount == 0)
    #expect(shape.description == "[2, 3, 5]")
    #expect(Shape(repeating: 1, count: 4) == [1, 1, 1, 1])
  }

  @Test func editsKeepTheRestInOrder() {
    var shape: Shape = [2, 3]
    shape.insert(7, at: 0)
    #expect(shape == [7, 2, 3])
    shape.insert(9, at: 2)
    #expect(shape == [7, 2, 9, 3])
    #expect(shape.remove(at: 1) == 2)
    #expect(shape == [7, 9, 3])
    #expect(shape.removeLast() == 3)
    shape.append(4)
    shape[0] = 1
    #expect(shape == [1, 9, 4])
    #expect(([2] as Shape) + [3, 4] == [2, 3, 4])
  }

  @Test func equalityAndHashingSeeOnlyTheAxes() {
    var shortened: Shape = [2, 3, 4]
    shortened.removeLast()
    #expect(shortened == [2, 3] as Shape)
    #expect(shortened.hashValue == ([2, 3] as Shape).hashValue)
    #expect(Shape([2, 3]) != Shape([2, 3, 1]))
    #expect(Shape([0]) != Shape())
    #expect(Set<Shape>([[1, 2], [1, 2], [2, 1]]).count == 2)
    #expect([2, 3] == Shape([2, 3]) && Shape([2, 3]) != [3, 2])
  }

  @Test func aTensorsShapeIsInline() {
    // A tensor is its elements' reference, its shape and its tape mark:
    // no second array per tensor.
    #expect(MemoryLayout<Shape>.size == 16)
    #expect(MemoryLayout<Tensor>.size <= 32)
  }

  @Test func sizesBeyondTheLargestAreRefused() throws {
    #expect(
      throws: TensorError("tensor", "size 4294967295 in shape [0, 4294967295] is above the largest axis, 4294967294")
    ) {
      try zeros([0, 4_294_967_295])
    }
    let empty = try zeros([0, Shape.maximumSize])
    #expect(empty.shape == [0, Shape.maximumSize] && empty.count == 0)
  }

  @Test func resultsWithTooManyAxesAreErrors() throws {
    let four = try zeros([1, 2, 1, 2])
    #expect(throws: TensorError("stack", "rank 5 of [1, 1, 2, 1, 2] exceeds the maximum rank 4")) {
      try stack([four, four])
    }
    #expect(throws: TensorError.self) { try four.gatheringRows(try zeros([1, 1])) }
    #expect(throws: TensorError.self) { try jacobian(at: try zeros([2, 2, 1])) { $0 } }
    #expect(throws: TensorError("tensor", "rank 5 of [1, 1, 1, 1, 1] exceeds the maximum rank 4")) {
      try Tensor(shape: [1, 1, 1, 1, 1], scalars: [0])
    }
    #expect(throws: TensorError("reshape", "rank 5 of [1, 1, 1, 2, 2] exceeds the maximum rank 4")) {
      try four.reshaped([1, 1, 1, 2, 2])
    }
    #expect(throws: TensorError.self) { try four.broadcast(to: [1, 1, 2, 1, 2]) }
  }
}
