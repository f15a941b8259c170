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
  ///   directory, or larger than ``maximumSize``.
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
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw SourceReadError(path: path, reason: "permission denied")
    }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.read(upToCount: maximumSize + 1) ?? Data()
    } catch {
      throw SourceReadError(path: path, reason: error.localizedDescription)
    }
    guard data.count <= maximumSize else {
      throw SourceReadError(path: path, reason: "larger than \(maximumSize >> 20) MiB")
    }
    return SourceFile(name: path, bytes: Array(data))
  }
}
