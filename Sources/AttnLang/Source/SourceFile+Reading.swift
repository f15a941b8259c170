import Foundation

/// Why a source file could not be read.
public struct SourceReadError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var reason: String
  public var description: String { "cannot read '\(path)': \(reason)" }

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
}

extension SourceFile {
  /// The most bytes a source file may have (64 MiB): bigger is surely a mistake.
  public static let maximumSize = 64 << 20

  /// Reads a file, or standard input when `path` is `-`.
  ///
  /// - Throws: ``SourceReadError`` when the file is missing, unreadable, a
  ///   directory or not a regular file (a FIFO would block for ever), or
  ///   larger than ``maximumSize``.
  public static func read(_ path: String) throws -> SourceFile {
    if path == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return SourceFile(name: "<stdin>", bytes: Array(data))
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw SourceReadError(path: path, reason: "no such file")
    }
    guard !isDirectory.boolValue else { throw SourceReadError(path: path, reason: "it is a directory") }
    // Opened without blocking and checked to be a regular file before reading.
    let file: OpenFile
    do {
      file = try FileAccess.unrestricted().openForReading(path)
    } catch {
      let reason = "\(error)".replacingOccurrences(of: "cannot read '\(path)': ", with: "")
      throw SourceReadError(
        path: path, reason: reason.hasPrefix("not a regular file") ? reason + "; give - to read standard input" : reason
      )
    }
    guard let bytes = try? file.readAll(limit: Int64(maximumSize), shown: path) else {
      var info = stat()
      let tooLarge = fstat(file.descriptor, &info) == 0 && info.st_size > Int64(maximumSize)
      throw SourceReadError(
        path: path, reason: tooLarge ? "larger than \(maximumSize >> 20) MiB" : "it could not be read to its end")
    }
    return SourceFile(name: path, bytes: bytes)
  }
}
