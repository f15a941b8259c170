/// A mistake in how an operation was called: mismatched shapes, a bad axis,
/// ragged data, a size that cannot be divided.
///
/// The message always names the operation and the shapes involved, for example
/// `dot: last axes differ: [3] vs [2]`, so a front end can show it unchanged.
public struct TensorError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The operation that refused its arguments (`dot`, `softmax`, `reshape`, ...).
  public var operation: String
  /// What was wrong, naming the shapes involved.
  public var reason: String

  /// An error of `operation` (`softmax`, `matmul`, …) for `reason`.
  public init(_ operation: String, _ reason: String) {
    self.operation = operation
    self.reason = reason
  }

  /// `operation: reason`, as the prompt shows it.
  public var description: String { "\(operation): \(reason)" }
}

extension Tensor {
  /// Formats a shape the way every message in the library shows it: `[2, 3]`.
  public static func describe(_ shape: some Collection<Int>) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
  }
}
