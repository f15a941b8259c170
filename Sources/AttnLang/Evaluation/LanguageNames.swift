import Attention

/// The one place where the library's operation names meet the language's:
/// the library says `attention:`, the student typed `attend`.
enum LanguageNames {
  /// Library operation → the builtin (or operator) a student writes.
  static let byOperation: [String: String] = [
    "attention": "attend",
    "attention mask": "attend mask",
    "selfattention": "selfattend",
  ]

  /// The error's message with its operation named as the language names it.
  static func message(for error: TensorError) -> String {
    guard let name = byOperation[error.operation] else { return error.description }
    return "\(name): \(error.reason)"
  }
}
