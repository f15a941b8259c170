#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Facts about where output goes, for choosing colors and prompts.
enum Terminal {
  /// Whether the file descriptor is a terminal.
  static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

  /// Whether to color output on `descriptor`: only on a terminal, never when
  /// `NO_COLOR` is set (https://no-color.org) or `TERM` is `dumb`.
  static func wantsColor(_ descriptor: Int32) -> Bool {
    if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
    if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
    return isTerminal(descriptor)
  }

  /// Whether the terminal says it shows 24-bit color (`COLORTERM`).
  static var supportsTrueColor: Bool {
    guard let value = getenv("COLORTERM") else { return false }
    let text = String(cString: value)
    return text == "truecolor" || text == "24bit"
  }

  /// The terminal's width in columns, or 80 when unknown.
  static func width(_ descriptor: Int32 = STDOUT_FILENO) -> Int {
    var size = winsize()
    if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = getenv("COLUMNS"), let value = Int(String(cString: columns)), value > 0 { return value }
    return 80
  }
}

/// Writes to standard error without buffering surprises: standard output
/// is flushed first, so the two streams keep their order on a terminal.
func printError(_ text: String) {
  var line = text
  if !line.hasSuffix("\n") { line += "\n" }
  fflush(nil)
  line.utf8CString.withUnsafeBufferPointer { buffer in
    var offset = 0
    let count = buffer.count - 1
    while offset < count {
      let written = write(STDERR_FILENO, buffer.baseAddress! + offset, count - offset)
      if written <= 0 { if errno == EINTR { continue } else { return } }
      offset += written
    }
  }
}
