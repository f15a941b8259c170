import Foundation
import _System

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

#if canImport(Glibc)
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  private let systemWrite = Darwin.write
#endif

/// An open file descriptor, closed when the value goes away.
public final class OpenFile: Sendable {
  /// The descriptor; owned by this object (closed in deinit), never shared.
  public let descriptor: Int32

  init(_ descriptor: Int32) { self.descriptor = descriptor }
  deinit { close(descriptor) }

  /// Reads the whole file, refusing one larger than `limit` bytes.
  public func readAll(limit: Int64, shown path: String) throws -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw FileAccessError("cannot read '\(path)': \(String(cString: strerror(errno)))")
      }
      if count == 0 { return bytes }
      bytes += chunk[0..<count]
      guard Int64(bytes.count) <= limit else {
        throw FileAccessError("'\(path)' is more than \(limit) bytes, more than the element limit allows")
      }
    }
  }
}

/// Opening and writing files in one step with the check: a confined path is
/// checked by its text, before anything is looked at (so a file from others
/// learns nothing about paths outside, not even whether they exist), then
/// opened from a descriptor of its allowed directory one component at a
/// time without following symbolic links — so no link, and no directory
/// swapped for one while attn works, leads outside (`openat` with
/// `O_NOFOLLOW`, as `RESOLVE_BENEATH` would).
extension FileAccess {
  /// Opens `path` for reading, as a regular file (a FIFO or device is
  /// refused, never waited on).
  ///
  /// - Parameters:
  ///   - path: the file, relative to the base directory or absolute.
  ///   - temporary: the session's temporary directory, always allowed.
  public func openForReading(_ path: String, temporary: String? = nil) throws -> OpenFile {
    let (directory, name) = try locate(path, temporary: temporary, writing: false)
    let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (isConfined ? O_NOFOLLOW : 0)
    let descriptor = openat(directory.descriptor, name, flags)
    guard descriptor >= 0 else { throw failure(errno, path, reading: true) }
    let file = OpenFile(descriptor)
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw failure(errno, path, reading: true) }
    guard info.st_mode & S_IFMT == S_IFREG else {
      throw FileAccessError("cannot read '\(path)': not a regular file (it is \(FileAccess.kind(info.st_mode)))")
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return file
  }

  /// Writes `bytes` as the whole file at `path`, atomically: to a temporary
  /// file beside it, then renamed over it. A file it replaces keeps its
  /// permissions (and owner, where allowed); a read-only file, a directory,
  /// a device or FIFO is refused, never replaced. In an unrestricted session
  /// a symbolic link is written through (its target is replaced, the link
  /// stays); a confined one may not follow links.
  public func write(_ bytes: [UInt8], to path: String, temporary: String? = nil) throws {
    let (directory, name) = try locate(path, temporary: temporary, writing: true)
    var existing = stat()
    let exists = fstatat(directory.descriptor, name, &existing, AT_SYMLINK_NOFOLLOW) == 0
    if exists, existing.st_mode & S_IFMT == S_IFLNK {
      guard !isConfined else {
        throw FileAccessError(
          "cannot write '\(path)': it is a symbolic link, and files from others may not follow links")
      }
      // Write through the link, as writing the file in place would: replace its target.
      let absolute =
        path.hasPrefix("/") ? path : (baseDirectory ?? FileManager.default.currentDirectoryPath) + "/" + path
      guard let target = FileAccess.linkTarget(absolute, depth: 0) else {
        throw FileAccessError("cannot write '\(path)': it is a symbolic link that leads nowhere, or in a loop")
      }
      return try FileAccess.unrestricted().write(bytes, to: target)
    }
    var mode: mode_t = 0o666
    if exists {
      guard existing.st_mode & S_IFMT == S_IFREG else {
        let kind = FileAccess.kind(existing.st_mode)
        throw FileAccessError(
          "cannot write '\(path)': not a regular file (it is \(kind))"
            + (kind == "a directory" ? "; name a file inside it" : ""))
      }
      guard existing.st_mode & 0o222 != 0, faccessat(directory.descriptor, name, W_OK, 0) == 0 else {
        throw FileAccessError("cannot write '\(path)': the file is read-only")
      }
      mode = existing.st_mode & 0o7777
    }
    FileAccess.removeAbandonedTemporaries(of: name, in: directory.descriptor)
    let temporaryName = ".\(name).attn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fill = { (descriptor: Int32) throws in
      if exists {
        _ = fchown(descriptor, existing.st_uid, existing.st_gid)
        guard fchmod(descriptor, mode) == 0 else { throw self.failure(errno, path, reading: false) }
      }
      var written = 0
      while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
          if errno == EINTR { continue }
          throw self.failure(errno, path, reading: false)
        }
        written += count
      }
      guard fsync(descriptor) == 0 || errno == EINVAL else { throw self.failure(errno, path, reading: false) }
    }
    let replace = {
      guard renameat(directory.descriptor, temporaryName, directory.descriptor, name) == 0 else {
        let error = self.failure(errno, path, reading: false)
        unlinkat(directory.descriptor, temporaryName, 0)
        throw error
      }
    }
    // An unnamed file first, named only once complete: a new file gets its
    // own name at once; one that replaces another a temporary name, renamed
    // over it at once. A kill while writing leaves nothing.
    let unnamed = attn_open_unnamed_file(directory.descriptor, 0o666)
    if unnamed >= 0 {
      let file = OpenFile(unnamed)
      try fill(file.descriptor)
      if !exists, attn_name_unnamed_file(file.descriptor, directory.descriptor, name) == 0 { return }
      if attn_name_unnamed_file(file.descriptor, directory.descriptor, temporaryName) == 0 { return try replace() }
      // No /proc to name it through: write it again under a name.
    }
    let descriptor = openat(
      directory.descriptor, temporaryName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw failure(errno, path, reading: false) }
    let file = OpenFile(descriptor)
    do {
      try fill(file.descriptor)
    } catch {
      unlinkat(directory.descriptor, temporaryName, 0)
      throw error
    }
    try replace()
  }

  /// Removes the temporary files (`.NAME.attn-PID-N.tmp`) that writes of
  /// `name` by processes no longer running left in `directory`: where a file
  /// cannot be written unnamed, a write killed half way leaves one behind,
  /// and the next write of the same file clears it.
  static func removeAbandonedTemporaries(of name: String, in directory: Int32) {
    let prefix = ".\(name).attn-"
    let copy = dup(directory)
    guard copy >= 0, let listing = fdopendir(copy) else {
      if copy >= 0 { close(copy) }
      return
    }
    defer { closedir(listing) }
    var abandoned: [String] = []
    while let entry = readdir(listing) {
      let entryName = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
      }
      guard entryName.hasPrefix(prefix), entryName.hasSuffix(".tmp") else { continue }
      let middle = entryName.dropFirst(prefix.count).dropLast(4)
      guard let dash = middle.firstIndex(of: "-"), let pid = Int32(middle[..<dash]), pid > 0,
        UInt32(middle[middle.index(after: dash)...]) != nil
      else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { abandoned.append(entryName) }
    }
    for entryName in abandoned { unlinkat(directory, entryName, 0) }
  }

  /// The directory (opened) holding `path`'s file and the file's name in it.
  func locate(_ path: String, temporary: String?, writing: Bool) throws -> (OpenFile, String) {
    guard !path.isEmpty else { throw FileAccessError("the file name is empty") }
    guard !path.utf8.contains(0) else { throw FileAccessError("the file name holds a NUL character") }
    let verb = writing ? "write" : "read"
    let absolute = path.hasPrefix("/") ? path : (baseDirectory ?? FileManager.default.currentDirectoryPath) + "/" + path
    let components = FileAccess.lexicalComponents(absolute)
    guard let name = components.last, !absolute.hasSuffix("/"), !path.hasSuffix("/.") else {
      throw FileAccessError("cannot \(verb) '\(path)': not a file name")
    }
    guard let allowed = allowedDirectories else {
      let directory = "/" + components.dropLast().joined(separator: "/")
      let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard descriptor >= 0 else {
        throw FileAccessError("cannot \(verb) '\(path)': no such directory '\(directory)'")
      }
      return (OpenFile(descriptor), name)
    }
    // Confined: by the path's text first, so nothing outside is looked at.
    let roots = (allowed + (temporary.map { [$0] } ?? [])).map(FileAccess.lexicalComponents)
    guard
      let root = roots.filter({ components.count > $0.count && components.starts(with: $0) })
        .max(by: { $0.count < $1.count })
    else {
      var message =
        "'\(path)' is outside the directories this file may use: files from others read and write only "
        + "in their own directory\(allowed.count > 1 ? ", the allowed ones" : "") and tempdir()"
      if let hint { message += "; \(hint)" }
      throw FileAccessError(message)
    }
    var descriptor = open("/" + root.joined(separator: "/"), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw FileAccessError("cannot \(verb) '\(path)': its directory is gone") }
    var directory = OpenFile(descriptor)
    for component in components[root.count..<(components.count - 1)] {
      descriptor = openat(directory.descriptor, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      guard descriptor >= 0 else {
        if errno == ELOOP || errno == ENOTDIR {
          var info = stat()
          if fstatat(directory.descriptor, component, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK
          {
            throw FileAccessError(
              "cannot \(verb) '\(path)': '\(component)' is a symbolic link, and files from others may not follow links")
          }
          throw FileAccessError("cannot \(verb) '\(path)': '\(component)' is not a directory")
        }
        throw FileAccessError("cannot \(verb) '\(path)': no such directory '\(component)'")
      }
      directory = OpenFile(descriptor)
    }
    return (directory, name)
  }

  /// The components of an absolute path with `.` and `..` resolved by its
  /// text (`/a/./b/../c` → `a`, `c`), as a confined path is judged.
  public static func lexicalComponents(_ path: String) -> [String] {
    var components: [String] = []
    for part in path.split(separator: "/") {
      switch part {
      case ".": continue
      case "..": if !components.isEmpty { components.removeLast() }
      default: components.append(String(part))
      }
    }
    return components
  }

  /// Where a symbolic link finally leads (through links to links, at most 40).
  static func linkTarget(_ path: String, depth: Int) -> String? {
    guard depth < 40, let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
      return nil
    }
    let absolute =
      destination.hasPrefix("/") ? destination : (path as NSString).deletingLastPathComponent + "/" + destination
    var info = stat()
    if lstat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { return linkTarget(absolute, depth: depth + 1) }
    return absolute
  }

  /// What a failed open or write means, in words.
  func failure(_ code: Int32, _ path: String, reading: Bool) -> FileAccessError {
    let verb = reading ? "read" : "write"
    switch code {
    case ENOENT: return FileAccessError("cannot \(verb) '\(path)': no such file")
    case ELOOP:
      return FileAccessError(
        "cannot \(verb) '\(path)': it is a symbolic link, and files from others may not follow links")
    case EACCES, EPERM: return FileAccessError("cannot \(verb) '\(path)': permission denied")
    case EISDIR: return FileAccessError("cannot \(verb) '\(path)': it is a directory")
    case ENOSPC: return FileAccessError("cannot write '\(path)': the disk is full")
    default: return FileAccessError("cannot \(verb) '\(path)': \(String(cString: strerror(code)))")
    }
  }

  /// What a file of mode `mode` is, in words.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: return "a regular file"
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
  }
}
