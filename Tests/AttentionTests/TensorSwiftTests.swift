import Attention
import Testing

/// The library reads like Swift: literals, printing, operators with `try`.
@Suite struct TensorSwiftTests {
  @Test func literalsNestLikeNumPyArrays() throws {
    let vector: Tensor = [1, 0.5, 2]
    #expect(vector.shape == [3])
    #expect(vector.scalars == [1, 0.5, 2])
    let matrix: Tensor = [[1, 2], [3, 4], [5, 6]]
    #expect(matrix.shape == [3, 2])
    #expect(matrix.scalars == [1, 2, 3, 4, 5, 6])
    let stack: Tensor = [[[1], [2]], [[3], [4]]]
    #expect(stack.shape == [2, 2, 1])
    let scalar: Tensor = 2.5
    #expect(scalar.shape == [] && scalar.scalars == [2.5])
    let empty: Tensor = []
    #expect(empty.shape == [0])
    #expect(try Tensor(rows: [[1, 2], [3, 4]]) == [[1, 2], [3, 4]])
  }

  @Test func tensorsPrintAsThePromptDoes() {
    let p: Tensor = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]
    #expect(p.description == "[0.0900, 0.2447, 0.6652]")
    let identity: Tensor = [[1, 0], [0, 1]]
    #expect("\(identity)" == "2×2 tensor\n[[1, 0],\n [0, 1]]")
    let two: Tensor = 2
    #expect(two.description == "2")
    let formatter = TensorFormatter(options: .init(precision: 2))
    #expect(formatter.format(p) == "[0.09, 0.24, 0.67]")
  }

  @Test func operatorsThrowOnShapesThatDoNotBroadcast() throws {
    let a: Tensor = [1, 2, 3]
    let b: Tensor = [10, 20]
    #expect(throws: TensorError.self) { try a + b }
    let column: Tensor = [[1], [2]]
    let grid = try column + b
    #expect(grid == [[11, 21], [12, 22]])
    #expect(try (a * 2 - 1) / 2 == [0.5, 1.5, 2.5])
  }

  @Test func attentionFromLiterals() throws {
    let keys: Tensor = [[1, 0], [0, 1], [1, 1]]
    let result = try attention([1, 0], keys: keys, values: keys)
    #expect(result.weights.description == "[0.4223, 0.1554, 0.4223]")
  }
}
