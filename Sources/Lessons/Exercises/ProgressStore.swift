import AttnLang
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
  public private(set) var lessons: [String: Lesson] = [:]
  /// What reading the file found wrong, for the front end to say once.
  public private(set) var warnings: [String] = []
  /// The file as read, written back with only the entries that changed
  /// replaced: keys this version does not know, and entries it could not
  /// read, are kept as they were.
  private var document: [String: Any] = [:]
  /// The file exists but is not a JSON object: it is kept aside (never
  /// overwritten) before progress is next saved.
  private var unreadable = false

  /// The store at `path`, read entry by entry: a malformed entry is skipped
  /// with a warning, the others are kept; a file that is not JSON is set
  /// aside on the next save, not lost.
  public init(path: String) {
    self.path = path
    guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return }
    guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
      unreadable = true
      warnings.append(
        "the progress file \(path) cannot be read; it will be kept as \(path).unreadable when progress is next saved")
      return
    }
    document = top
    for (key, value) in top.sorted(by: { $0.key < $1.key }) {
      guard let entry = value as? [String: Any] else {
        warnings.append("the progress file \(path): '\(key)' is not a lesson's record; it is kept but not read")
        continue
      }
      func names(_ field: String) -> [String] {
        guard let raw = entry[field] else { return [] }
        guard let list = raw as? [String] else {
          warnings.append("the progress file \(path): '\(key)'.\(field) is not a list of names; it is read as empty")
          return []
        }
        return list
      }
      lessons[key] = Lesson(solved: names("solved"), revealed: names("revealed"))
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
    store(lesson, for: lessonPath)
  }

  public mutating func markRevealed(_ exercise: String, in lessonPath: String) {
    var lesson = self.lesson(lessonPath)
    if !lesson.revealed.contains(exercise) { lesson.revealed.append(exercise) }
    store(lesson, for: lessonPath)
  }

  private mutating func store(_ lesson: Lesson, for lessonPath: String) {
    let key = ProgressStore.key(lessonPath)
    lessons[key] = lesson
    var entry = document[key] as? [String: Any] ?? [:]
    entry["solved"] = lesson.solved
    entry["revealed"] = lesson.revealed
    document[key] = entry
  }

  /// Writes the file (and its directory) whole, the way attn writes every
  /// file; an unreadable file found there is first moved aside.
  public mutating func save() throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    if unreadable {
      _ = rename(path, path + ".unreadable")
      unreadable = false
    }
    let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    try FileAccess.unrestricted().write(Array(data), to: path)
  }
}
