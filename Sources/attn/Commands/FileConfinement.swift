import ArgumentParser
import AttnLang
import Foundation
import Synchronization

/// `--allow-files DIR`: the directories, besides their own, that files from
/// others (lessons checked or walked through, `run --sandbox`) may use.
struct FileConfinementOptions: ParsableArguments {
  @Option(
    name: .customLong("allow-files"),
    help: ArgumentHelp(
      "Let lessons and sandboxed files also read and write in this directory (repeatable).",
      valueName: "dir"))
  var allowFiles: [String] = []

  func validate() throws {
    for directory in allowFiles {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationError("--allow-files: '\(directory)' is not a directory")
      }
    }
  }

  /// Confinement for the file at `path` ('-' for standard input, which has
  /// no directory of its own): its directory, tempdir() and the allowed ones.
  func confined(for path: String) -> FileAccess {
    let current = FileManager.default.currentDirectoryPath
    let allowed = allowFiles.map { $0.hasPrefix("/") ? $0 : current + "/" + $0 }
    guard path != "-" else {
      return .confined(to: allowed, base: current, hint: FileConfinementOptions.hint)
    }
    let absolute = path.hasPrefix("/") ? path : current + "/" + path
    return FileConfinementOptions.confined(toDirectoryOf: absolute, allowing: allowed)
  }

  static let hint = "allow a directory with --allow-files DIR"

  /// Confinement to the directory of the file at `absolute` (and the
  /// `allowed` ones): its own directory, unless that is one many files
  /// share — the root, a system directory, one anyone may write in (`/tmp`),
  /// the home directory or its Downloads and Desktop — where "its own
  /// directory" would mean everything there. Such a file works in a private
  /// directory instead (a note on standard error says so, once per
  /// directory) — unless it is one of the `allowed`, opened on purpose.
  static func confined(toDirectoryOf absolute: String, allowing allowed: [String]) -> FileAccess {
    let directory =
      "/"
      + FileAccess.lexicalComponents((absolute as NSString).deletingLastPathComponent)
      .joined(separator: "/")
    let allowedOnPurpose = allowed.contains {
      FileAccess.lexicalComponents($0) == FileAccess.lexicalComponents(directory)
    }
    guard !allowedOnPurpose, let reason = sharedReason(directory),
      let privateDirectory = try? Session.privateWorkingDirectory()
    else {
      return .confined(to: [directory] + allowed, base: directory, hint: hint)
    }
    let firstTime = notedDirectories.withLock { $0.insert(directory).inserted }
    if firstTime {
      printError(
        "note: \(directory) is \(reason), so files from it read and write in a private directory of their own "
          + "(removed when attn ends), not in all of \(directory); allow it with --allow-files \(directory)")
    }
    return .confined(
      to: [privateDirectory] + allowed, base: privateDirectory,
      hint: "\(directory) is \(reason); allow it with --allow-files \(directory)")
  }

  private static let notedDirectories = Mutex<Set<String>>([])

  /// Why `directory` (absolute, without `.` or `..`) is shared by many
  /// files, in words; nil for a directory of its own.
  static func sharedReason(_ directory: String) -> String? {
    if directory == "/" { return "the root directory" }
    let system = [
      "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/run", "/sbin",
      "/srv", "/sys", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/share",
      "/usr/share", "/var", "/Users", "/Applications", "/Library", "/System", "/Volumes", "/private",
    ]
    if system.contains(directory) || ["/dev/", "/etc/", "/proc/", "/sys/"].contains(where: directory.hasPrefix) {
      return "a system directory"
    }
    var info = stat()
    if stat(directory, &info) == 0, info.st_mode & 0o002 != 0 { return "a directory anyone may write in" }
    if let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/"), home != "/" {
      let home = "/" + FileAccess.lexicalComponents(home).joined(separator: "/")
      if directory == home { return "the home directory" }
      for shared in ["Downloads", "Desktop"] where directory == home + "/" + shared {
        return "the \(shared) directory"
      }
    }
    return nil
  }
}
