import Foundation
import Testing
import _TestSupport

/// Memory does not grow with the number of statements: a prompt fed
/// statements through a pipe, and one large file run by `attn run`.
/// (`scripts/soak` runs a million statements the same way, by hand.)
@Suite struct MemoryBoundTests {
  /// `count` statements of the kinds a long piped session has: assignments,
  /// silenced and printed values, a def and its calls.
  static func statements(_ count: Int) -> String {
    var text = "def f(x) = softmax(x * 2)\n"
    for i in 0..<count {
      switch i % 4 {
      case 0: text += "x\(i % 50) = softmax([1, 2, \(i % 7)])\n"
      case 1: text += "f([1, \(i % 5)]);\n"
      case 2: text += "y = randn(8, 8, seed: \(i % 9)) @ eye(8);\n"
      default: text += "list(1, 2, \"s\")\n"
      }
    }
    return text
  }

  /// The peak resident memory (MiB) of a piped `attn` prompt once it has run
  /// `input`: read from /proc while it waits for more.
  func peakOfPipedPrompt(_ input: String) throws -> Double {
    let process = Process()
    process.executableURL = AttnProcess.executable
    process.environment = ["ATTN_HISTORY": "", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.nullDevice
    try process.run()
    let marker = "memory-bound-done"
    let writer = Thread { stdin.fileHandleForWriting.write(Data((input + "print(\"\(marker)\")\n").utf8)) }
    writer.start()
    var seen = Data()
    while !String(decoding: seen.suffix(200), as: UTF8.self).contains(marker) {
      let chunk = stdout.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen.append(chunk)
    }
    let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
    try stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
    let kilobytes = line.flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") }
    return try #require(kilobytes) / 1024
  }

  /// Whether this test runs under AddressSanitizer (`swift test --sanitize=address`): its
  /// quarantine of freed blocks (256 MB) and its store of allocation stack traces grow the
  /// resident memory with the number of statements run (20 000 statements: 448 MB, and 49 MB
  /// with `quarantine_size_mb=0:malloc_context_size=0`), so a bound on growth says nothing there.
  static let underAddressSanitizer = dlsym(nil, "__asan_init") != nil

  @Test(.disabled(if: underAddressSanitizer, "AddressSanitizer's bookkeeping grows the resident memory"))
  func aPipedPromptDoesNotGrowWithTheStatementsItRuns() throws {
    let few = try peakOfPipedPrompt(Self.statements(5_000))
    let many = try peakOfPipedPrompt(Self.statements(120_000))
    #expect(many - few < 8, "peak \(few) MiB after 5 000 statements, \(many) MiB after 120 000")
  }

  @Test func aLargeFileRunsInPartsWithBoundedMemory() throws {
    let directory = try makeTemporaryDirectory()
    let file = directory.appendingPathComponent("large.attn")
    let text = Self.statements(60_000) + "x0.shape\n"
    #expect(text.utf8.count > 1 << 20, "large enough to run in parts")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["run", file.path])
    #expect(result.status == 0, "\(result.stderr)")
    // Every printed value: each list statement (a quarter of them), then x0.
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 15_000 + 1)
    #expect(lines.first == "list(1, 2, \"s\")")
    #expect(lines.last == "[3]")
  }
}
