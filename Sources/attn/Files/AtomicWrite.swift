import Foundation

/// Writes `text` to a temporary file beside `path` and renames it over
/// `path`, so an interrupted write never leaves a half-written file.
func atomicWrite(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
}
