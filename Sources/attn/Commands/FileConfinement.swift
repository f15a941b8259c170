import ArgumentParser
import AttnLang
import Foundation

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
    let directory = (absolute as NSString).deletingLastPathComponent
    return .confined(to: [directory] + allowed, base: directory, hint: FileConfinementOptions.hint)
  }

  static let hint = "allow a directory with --allow-files DIR"
}
