import Foundation

/// Which exercises a student solved, and which solutions they looked at, per
/// lesson: a small JSON file under `$XDG_STATE_HOME/attn/` (else
/// `~/.local/state/attn/`), kept across sessions.
public struct ProgressStore {
  public struct Lesson: Codable, Equatable, Sendable {
    public var solved: [String] = []
    public var revealed: [String] = []
  }

  public let path: String
  public private(set) var lessons: [String: Lesson]

  /// The store at `path` (empty when the file does not exist or cannot be read).
  public init(path: String) {
    self.path = path
    if let data = FileManager.default.contents(atPath: path),
      let stored = try? JSONDecoder().decode([String: Lesson].self, from: data)
    {
      lessons = stored
    } else {
      lessons = [:]
    }
  }

  /// The default place: `$XDG_STATE_HOME/attn/progress.json`, else
  /// `~/.local/state/attn/progress.json`; nil without a home.
  public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/attn/progress.json" }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.local/state/attn/progress.json"
  }

  /// A lesson is known by its file name, so moving the lessons folder keeps progress.
  static func key(_ lessonPath: String) -> String { (lessonPath as NSString).lastPathComponent }

  public func lesson(_ lessonPath: String) -> Lesson { lessons[ProgressStore.key(lessonPath)] ?? Lesson() }

  public mutating func markSolved(_ exercise: String, in lessonPath: String) {
    var lesson = self.lesson(lessonPath)
    if !lesson.solved.contains(exercise) { lesson.solved.append(exercise) }
    lessons[ProgressStore.key(lessonPath)] = lesson
  }

  public mutating func markRevealed(_ exercise: String, in lessonPath: String) {
    var lesson = self.lesson(lessonPath)
    if !lesson.revealed.contains(exercise) { lesson.revealed.append(exercise) }
    lessons[ProgressStore.key(lessonPath)] = lesson
  }

  /// Writes the file (and its directory), replacing it whole.
  public func save() throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(lessons).write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}
