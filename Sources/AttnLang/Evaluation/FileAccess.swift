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
/// allowed. A confined path is judged by its text (`..` resolved) before
/// anything is looked at, then opened from its directory without following
/// symbolic links (``openForReading(_:temporary:)``, ``write(_:to:temporary:)``),
/// so neither `..` nor a link, nor a directory swapped meanwhile, leads outside.
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
}

/// A path the session may not use, or cannot: the message says which and why.
public struct FileAccessError: Error, CustomStringConvertible, Equatable {
  public var description: String
  public init(_ description: String) { self.description = description }
}
