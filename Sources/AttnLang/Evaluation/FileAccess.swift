import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the language's file builtins (`load`, `save`, `svg`, `lines`) may
/// read and write, and what relative paths are relative to.
///
/// Your own session reads and writes wherever you can (``unrestricted(base:)``).
/// Files from others — a downloaded lesson, a student's submission — run
/// ``confined(to:base:hint:)``: only inside their own directory, the
/// session's temporary directory (`tempdir()`) and directories the user
/// allowed. A path is checked after `..` and symbolic links are resolved,
/// so neither can lead outside.
public struct FileAccess: Sendable, Equatable {
  /// The directory relative paths start from; nil for the process's current directory.
  public var baseDirectory: String?
  /// The directories files may be in; nil for anywhere.
  public var allowedDirectories: [String]?
  /// Said after a refusal: how this front end lets more through, such as
  /// "allow a directory with --allow-files DIR".
  public var hint: String?

  /// Anywhere the user can read and write; relative paths from `base`.
  public static func unrestricted(base: String? = nil) -> FileAccess {
    FileAccess(baseDirectory: base, allowedDirectories: nil, hint: nil)
  }

  /// Only inside `directories` (and the session's temporary directory);
  /// relative paths from `base`.
  public static func confined(to directories: [String], base: String, hint: String?) -> FileAccess {
    FileAccess(baseDirectory: base, allowedDirectories: directories, hint: hint)
  }

  public var isConfined: Bool { allowedDirectories != nil }

  /// The path to open for `path`, resolved against ``baseDirectory``, after
  /// checking that it is a regular file (or, for writing, that its directory
  /// exists and it is not something else than a regular file) inside the
  /// allowed directories.
  ///
  /// - Parameter temporary: the session's temporary directory, always allowed.
  /// - Throws: ``FileAccessError`` naming the rule, or what the path is.
  func resolve(_ path: String, writing: Bool, temporary: String?) throws -> String {
    guard !path.isEmpty else { throw FileAccessError("the file name is empty") }
    guard !path.utf8.contains(0) else { throw FileAccessError("the file name holds a NUL character") }
    let absolute = path.hasPrefix("/") ? path : (baseDirectory ?? FileManager.default.currentDirectoryPath) + "/" + path
    let target: String
    if writing {
      // The file may not exist yet: resolve its directory, then the file
      // itself if it is there (it may be a link pointing elsewhere).
      let name = (absolute as NSString).lastPathComponent
      guard !name.isEmpty, name != ".", name != "..", !absolute.hasSuffix("/") else {
        throw FileAccessError("cannot write '\(path)': not a file name")
      }
      let directory = (absolute as NSString).deletingLastPathComponent
      guard let realDirectory = FileAccess.realPath(directory) else {
        throw FileAccessError("cannot write '\(path)': no such directory '\(directory)'")
      }
      let joined = (realDirectory == "/" ? "" : realDirectory) + "/" + name
      target = FileAccess.realPath(joined) ?? joined
      if let kind = FileAccess.kind(of: target), kind != "a regular file" {
        throw FileAccessError("cannot write '\(path)': not a regular file (it is \(kind))")
      }
    } else {
      guard let real = FileAccess.realPath(absolute) else {
        throw FileAccessError("cannot read '\(path)': no such file")
      }
      target = real
      if let kind = FileAccess.kind(of: target), kind != "a regular file" {
        throw FileAccessError("cannot read '\(path)': not a regular file (it is \(kind))")
      }
    }
    guard let allowed = allowedDirectories else { return target }
    let roots = (allowed + (temporary.map { [$0] } ?? [])).compactMap(FileAccess.realPath)
    guard roots.contains(where: { FileAccess.path(target, isInside: $0) }) else {
      var message =
        "'\(path)' is outside the directories this file may use: files from others read and write only "
        + "in their own directory\(allowed.count > 1 ? ", the allowed ones" : "") and tempdir()"
      if let hint { message += "; \(hint)" }
      throw FileAccessError(message)
    }
    return target
  }

  /// The canonical absolute path (no `.`, `..` or symbolic links), or nil when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Whether `path` is `root` or inside it (both canonical).
  static func path(_ path: String, isInside root: String) -> Bool {
    if root == "/" { return true }
    return path == root || path.hasPrefix(root + "/")
  }

  /// What is at `path` (following links), in words; nil when nothing is.
  static func kind(of path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return "a regular file"
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
  }
}

/// A path the session may not use, or cannot: the message says which and why.
public struct FileAccessError: Error, CustomStringConvertible, Equatable {
  public var description: String
  init(_ description: String) { self.description = description }
}
