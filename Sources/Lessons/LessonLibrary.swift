import Foundation

/// Finding lesson files on disk.
public enum LessonLibrary {
  /// The Markdown files named by `paths`: files as given, directories
  /// searched recursively for `.md` files, in name order.
  ///
  /// - Throws: ``LessonPathError`` for a path that does not exist.
  public static func markdownFiles(in paths: [String]) throws -> [String] {
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw LessonPathError(path: path)
      }
      if !isDirectory.boolValue {
        files.append(path)
        continue
      }
      let enumerator = FileManager.default.enumerator(atPath: path)
      var found: [String] = []
      while let relative = enumerator?.nextObject() as? String {
        if relative.hasSuffix(".md") { found.append((path as NSString).appendingPathComponent(relative)) }
      }
      files += found.sorted()
    }
    return files
  }

  /// Reads and parses a notebook.
  public static func load(_ path: String) throws -> Notebook {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw NotebookError(path: path, line: 0, message: "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw NotebookError(path: path, line: 0, message: "the file is not UTF-8 text")
    }
    return try Notebook(path: path, text: text)
  }

  /// The directory holding the course's lessons: `$ATTN_LESSONS`, else
  /// `./lessons`, else the `lessons` folder of the package the running
  /// `attn` was built in.
  public static func defaultDirectory(executable: String = CommandLine.arguments[0]) -> String? {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let path = environment["ATTN_LESSONS"], !path.isEmpty { candidates.append(path) }
    candidates.append("lessons")
    var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      candidates.append(directory.appendingPathComponent("lessons").path)
      directory = directory.deletingLastPathComponent()
    }
    return candidates.first { path in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        && ((try? markdownFiles(in: [path]))?.isEmpty == false)
    }
  }

  /// The lesson a student means by `name`: its number (`3`, `03`), its
  /// file name with or without `.md`, or a word of its slug (`softmax`).
  /// Whether the file at `path` is inside `directory` (both resolved:
  /// links and `..` cannot make a file from elsewhere look built in).
  public static func isInside(_ path: String, directory: String) -> Bool {
    let file = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
    return file.hasPrefix(root.hasSuffix("/") ? root : root + "/")
  }

  public static func resolve(_ name: String, among files: [String]) -> String? {
    let base = files.map { ($0, ($0 as NSString).lastPathComponent) }
    if let number = Int(name) {
      return base.first { Int($0.1.prefix { $0.isNumber }) == number }?.0
    }
    let wanted = name.hasSuffix(".md") ? String(name.dropLast(3)) : name
    if let exact = base.first(where: { $0.1 == wanted + ".md" }) { return exact.0 }
    return base.first { $0.1.lowercased().contains(wanted.lowercased()) }?.0
  }
}

/// A path given to `attn test` that does not exist.
public struct LessonPathError: Error, CustomStringConvertible {
  public var path: String
  public var description: String { "no such file or directory: '\(path)'" }
}
