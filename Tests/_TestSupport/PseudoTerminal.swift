import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real pseudo-terminal running `attn`, for end-to-end tests of the
/// prompt: what a person types goes in, what the terminal shows comes out.
public final class PseudoTerminal {
  let master: Int32
  let pid: pid_t
  /// Everything the program has written so far.
  public private(set) var transcript = ""
  /// The end of the last read when it split a UTF-8 character, decoded with the next read.
  private var unfinished: [UInt8] = []

  /// Starts `executable` with `arguments` on a new terminal of `columns` × 30.
  public init(
    executable: String, arguments: [String] = [], environment: [String: String], columns: UInt16 = 100
  ) throws {
    var master: Int32 = 0
    var size = winsize(ws_row: 30, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    // Build every C string before forking: the child may only exec.
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    let pid = forkpty(&master, nil, nil, &size)
    if pid == 0 {
      execve(executable, argv, envp)
      _exit(127)
    }
    argv.forEach { free($0) }
    envp.forEach { free($0) }
    guard pid > 0 else { throw POSIXError(.EAGAIN) }
    self.master = master
    self.pid = pid
  }

  deinit {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    close(master)
  }

  /// Types `text` as keystrokes.
  public func send(_ text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { _ = write(master, $0.baseAddress, $0.count) }
  }

  /// Reads until `text` has appeared after `after` characters of the
  /// transcript, or the time is up; returns whether it appeared.
  @discardableResult
  public func waitFor(_ text: String, after start: Int = 0, timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if transcript.count >= start, transcript.dropFirst(start).contains(text) { return true }
      var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
      if poll(&descriptor, 1, 50) > 0 {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        if count <= 0 { break }
        append(unfinished + buffer[0..<count])
      }
    }
    return transcript.count >= start && transcript.dropFirst(start).contains(text)
  }

  /// Adds bytes to the transcript, keeping a UTF-8 character cut at the end for the next read.
  private func append(_ bytes: [UInt8]) {
    var end = bytes.count
    // Step back over continuation bytes to the start of the last character.
    var start = end - 1
    while start > 0, start > end - 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
    if start >= 0, start < end {
      let lead = bytes[start]
      let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
      if end - start < length { end = start }
    }
    unfinished = Array(bytes[end...])
    transcript += String(decoding: bytes[..<end], as: UTF8.self)
  }

  /// Waits until the transcript ends with `text` (a prompt and what is on
  /// its line), so the next keys reach the line editor.
  @discardableResult
  public func waitForEnding(_ text: String, timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if transcript.hasSuffix(text) {
        usleep(20_000)
        if transcript.hasSuffix(text) { return true }
      }
      _ = waitFor("\u{0}", timeout: 0.02)
    }
    return false
  }

  /// Waits until the transcript ends with a fresh `attn> ` prompt, so the
  /// next keys reach the line editor rather than a terminal between lines
  /// (where the line discipline, not the program, would see a Ctrl-D).
  @discardableResult
  public func waitForPrompt(_ line: String = "", timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if transcript.hasSuffix("attn> " + line) {
        usleep(50_000)
        return true
      }
      _ = waitFor("\u{0}", timeout: 0.05)
    }
    return false
  }

  /// Waits for the program to exit and gives its exit status (nil on a signal or time-out).
  public func waitForExit(timeout: Double = 10) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      _ = waitFor("\u{0}", timeout: 0.05)
      var status: Int32 = 0
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : nil
      }
    }
    return nil
  }
}
