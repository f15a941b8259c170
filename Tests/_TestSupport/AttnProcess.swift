import Foundation
import Synchronization

/// Runs the real `attn` binary built beside the tests.
public enum AttnProcess {
  /// The `attn` executable in the build directory the tests run from.
  public static var executable: URL {
    let testBinary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On some platforms the tests run inside a bundle: walk up to the build directory.
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("attn")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/attn")
  }

  /// The package's root directory.
  public static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  public struct Result: Sendable {
    public var status: Int32
    /// True when the process ended by a signal (a crash) rather than exiting.
    public var crashed: Bool
    public var stdout: String
    public var stderr: String
  }

  /// Runs `attn arguments…` with `input` on standard input and waits for it.
  public static func run(
    _ arguments: [String], input: String? = nil, inputBytes: [UInt8]? = nil,
    environment: [String: String] = [:], directory: URL? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["ATTN_HISTORY"] = ""
    for (key, value) in environment { env[key] = value }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    let bytes = inputBytes ?? Array((input ?? "").utf8)
    let writer = Thread {
      stdin.fileHandleForWriting.write(Data(bytes))
      try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    // Read both pipes concurrently so a full pipe never blocks the child.
    let errorData = Shared<Data?>(nil)
    let errorReader = Thread {
      errorData.value = stderr.fileHandleForReading.readDataToEndOfFile()
    }
    errorReader.start()
    let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while errorData.value == nil { usleep(1000) }
    return Result(
      status: process.terminationStatus,
      crashed: process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: outputData, as: UTF8.self),
      stderr: String(decoding: errorData.value ?? Data(), as: UTF8.self))
  }
}

/// A value threads of a test share (a flag, what a reader thread read).
public final class Shared<Value: Sendable>: Sendable {
  private let stored: Mutex<Value>
  public init(_ value: Value) { stored = Mutex(value) }
  public var value: Value {
    get { stored.withLock { $0 } }
    set { stored.withLock { $0 = newValue } }
  }
}

/// A fresh temporary directory for one test.
public func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("attn-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  ScratchDirectories.made.withLock { made in
    if made.isEmpty { atexit { ScratchDirectories.removeAll() } }
    made.append(url.path)
  }
  return url
}

/// The scratch directories the tests made, removed when the test process
/// exits (so runs do not pile them up in /tmp).
enum ScratchDirectories {
  static let made = Mutex<[String]>([])

  static func removeAll() {
    for path in made.withLock({ $0 }) {
      // A test may leave a directory read-only; make its directories (never
      // what a symbolic link points to) writable to remove them.
      chmod(path, 0o700)
      if let walker = FileManager.default.enumerator(atPath: path) {
        while let name = walker.nextObject() as? String {
          var status = stat()
          if lstat(path + "/" + name, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            chmod(path + "/" + name, 0o700)
          }
        }
      }
      try? FileManager.default.removeItem(atPath: path)
    }
  }
}
