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
  /// `./lessons`, else `share/attn/lessons` beside the installed binary's
  /// `bin` (scripts/install), else `attn/lessons` in the XDG data
  /// directories, else the `lessons` folder of the package the running
  /// `attn` was built in.
  public static func defaultDirectory(executable: String = executablePath()) -> String? {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let path = environment["ATTN_LESSONS"], !path.isEmpty { candidates.append(path) }
    candidates.append("lessons")
    let (installed, checkout) = shippedCandidates(executable: executable)
    candidates.append(installed)
    // The XDG data directories (scripts/install's PREFIX/share is usually among them).
    let home = environment["HOME"] ?? ""
    let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/share"
    let dataDirectories =
      (environment["XDG_DATA_DIRS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/local/share:/usr/share")
      .split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
    for directory in [dataHome] + dataDirectories { candidates.append(directory + "/attn/lessons") }
    candidates += checkout
    return candidates.first { path in isDirectory(path) && ((try? markdownFiles(in: [path]))?.isEmpty == false) }
  }

  /// The lesson directories shipped with the running attn: installed beside
  /// its binary (`PREFIX/share/attn/lessons`) or in the checkout it was built
  /// in. Only lessons there are built in (run unconfined); a `lessons`
  /// folder in the current directory, `ATTN_LESSONS` or the XDG data
  /// directories may hold anyone's, which run confined.
  public static func shippedDirectories(executable: String = executablePath()) -> [String] {
    let (installed, checkout) = shippedCandidates(executable: executable)
    return ([installed] + checkout).filter(isDirectory)
  }

  /// Where the running attn's own lessons may be — the one list both
  /// ``defaultDirectory(executable:)`` and ``shippedDirectories(executable:)``
  /// read, so what is found by default and what runs as built in agree:
  /// installed (`PREFIX/bin/attn` beside `PREFIX/share/attn/lessons`), and
  /// the `lessons` folders above a build directory inside a checkout.
  static func shippedCandidates(executable: String) -> (installed: String, checkout: [String]) {
    let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
    let installed = binary.deletingLastPathComponent().appendingPathComponent("share/attn/lessons").path
    var checkout: [String] = []
    var directory = binary
    for _ in 0..<5 {
      checkout.append(directory.appendingPathComponent("lessons").path)
      directory = directory.deletingLastPathComponent()
    }
    return (installed, checkout)
  }

  static func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// Whether the lesson at `path` is one shipped with attn (see ``shippedDirectories(executable:)``).
  public static func isBuiltIn(_ path: String, executable: String = executablePath()) -> Bool {
    shippedDirectories(executable: executable).contains { isInside(path, directory: $0) }
  }

  /// The running executable's path (`/proc/self/exe` where there is one:
  /// `argv[0]` may be a bare name found on `PATH`).
  public static func executablePath() -> String {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
    return CommandLine.arguments.first ?? "attn"
  }

  /// Whether the file at `path` is inside `directory` (both resolved:
  /// links and `..` cannot make a file from elsewhere look built in).
  public static func isInside(_ path: String, directory: String) -> Bool {
    let file = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
    return file.hasPrefix(root.hasSuffix("/") ? root : root + "/")
  }

  /// The lesson a student means by `name`: its number (`3`, `03`), its
  /// file name with or without `.md`, or a word of its slug (`softmax`).
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
