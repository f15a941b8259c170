import Foundation

/// The list of lessons `attn lesson` and `:lesson` print.
public enum LessonCatalog {
  /// The lessons in `files`, numbered, each with its title and first line,
  /// and — with `progress` — how many of its exercises were solved.
  public static func listing(_ files: [String], progress: ProgressStore? = nil) -> String {
    var lines: [String] = []
    for path in files {
      guard let notebook = try? LessonLibrary.load(path) else { continue }
      let number = Int((path as NSString).lastPathComponent.prefix { $0.isNumber }).map(String.init) ?? "-"
      let title = notebook.title.drop { $0.isNumber || $0 == "." || $0 == " " }
      var line = String(repeating: " ", count: Swift.max(0, 3 - number.count)) + number + "  " + title
      let exercises = notebook.exercises.map(\.name)
      if let progress, !exercises.isEmpty {
        let solved = progress.lesson(path).solved.filter(exercises.contains).count
        line += "  (\(solved == exercises.count ? "✓" : "·") \(solved)/\(exercises.count) exercises)"
      }
      lines.append(line)
      let summary = notebook.summary
      lines.append("     " + (summary.count > 90 ? String(summary.prefix(89)) + "…" : summary))
    }
    lines.append("\nStart one with attn lesson NUMBER (or :lesson NUMBER at the prompt).")
    return lines.joined(separator: "\n")
  }
}
