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
      var line = String(repeating: " ", count: max(0, 3 - number.count)) + number + "  " + title
      let exercises = notebook.exercises.map(\.name)
      if let progress, !exercises.isEmpty {
        let record = progress.lesson(path)
        let solved = record.solved.filter(exercises.contains).count
        // A solution looked at (and not solved since) is marked, so a student can come back to it.
        let shown = record.revealed.filter { exercises.contains($0) && !record.solved.contains($0) }.count
        line += "  (\(solved == exercises.count ? "✓" : "·") \(solved)/\(exercises.count) exercises"
        line += shown == 0 ? ")" : ", \(shown) solution\(shown == 1 ? "" : "s") shown)"
      }
      lines.append(line)
      let summary = notebook.summary
      lines.append("     " + (summary.count > 90 ? String(summary.prefix(89)) + "…" : summary))
    }
    lines.append("\nStart one with attn lesson NUMBER (or :lesson NUMBER at the prompt).")
    return lines.joined(separator: "\n")
  }
}
