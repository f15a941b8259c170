import Foundation
import Testing
import _TestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct TestCommandTests {
  let lesson = """
    # A lesson

    ```attn
    attn> softmax([1, 2, 3])
    [0.0900, 0.2447, 0.6652]
    attn> 1 / 3
    0.3333
    ```
    """

  func write(_ text: String) throws -> URL {
    let file = try makeTemporaryDirectory().appendingPathComponent("lesson.md")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test func everyCourseLessonPasses() throws {
    let lessons = AttnProcess.packageRoot.appendingPathComponent("lessons").path
    let result = try AttnProcess.run(["test", lessons])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
  }

  @Test func aWrongNumberFailsWithLocationAndDiff() throws {
    let file = try write(lesson.replacingOccurrences(of: "0.2447", with: "0.2500"))
    let result = try AttnProcess.run(["test", file.path])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "\(file.path):5: error: output of 'softmax([1, 2, 3])' differs (- lesson, + actual)\n  - [0.0900, 0.2500, 0.6652]\n  + [0.0900, 0.2447, 0.6652]\n"
      ), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
  }

  @Test func updateReRecordsOutputs() throws {
    let file = try write(lesson.replacingOccurrences(of: "0.3333", with: "999"))
    #expect(try AttnProcess.run(["test", "--update", file.path]).status == 0)
    #expect(try String(contentsOf: file, encoding: .utf8) == lesson + "\n")
    #expect(try AttnProcess.run(["test", file.path]).status == 0)
  }

  @Test func tapAndJUnit() throws {
    let file = try write(lesson + "\n\n```attn\nattn> 2\n3\n```\n")
    let report = file.deletingLastPathComponent().appendingPathComponent("report.xml")
    let result = try AttnProcess.run(["test", "--tap", "--junit", report.path, file.path])
    #expect(result.status == 1)
    #expect(result.stdout.hasPrefix("TAP version 13\n1..2\nok 1 - \(file.path) cell 1 (line 3)\nnot ok 2 - "))
    let xml = try XMLDocument(contentsOf: report)
    let suites = try xml.nodes(forXPath: "//testsuite")
    #expect(suites.count == 1)
    #expect(try xml.nodes(forXPath: "//testcase").count == 2)
    #expect(try xml.nodes(forXPath: "//testcase/failure").count == 1)
  }

  @Test func missingPathIsAUsageError() throws {
    let result = try AttnProcess.run(["test", "/nonexistent/lessons"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("no such file or directory"))
  }
}

/// A stranger's lesson cannot hang or crash the checker through its
/// expected outputs: exponent bombs and many `...` lines finish at once.
@Suite struct MatcherBombTests {
  @Test func exponentBombsAndWildcardsFinishWithClearMismatches() throws {
    let letters = (0..<60).map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }.joined(separator: "\\n")
    let lesson = """
      # Bombs

      ```attn
      attn> 1
      1e-9223372036854775808
      ```

      ```attn
      attn> 2
      1e3000000000
      ```

      ```attn
      attn> print("\(letters)")
      ...
      ...
      ...
      ...
      ...
      ...
      Q
      ```
      """
    let file = try makeTemporaryDirectory().appendingPathComponent("bombs.md")
    try lesson.write(to: file, atomically: true, encoding: .utf8)
    let started = Date()
    let result = try AttnProcess.run(["test", file.path])
    #expect(!result.crashed, "\(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(result.stdout.contains("0 passed, 3 failed"), "\(result.stdout)")
    // At the prompt the same text is a number, not a trap.
    #expect(try AttnProcess.run([], input: "1e-9223372036854775808\n").stdout == "0\n")
  }
}

/// No lesson can hang the checker: each input has a time limit, and cell
/// options that would make any output match are refused.
@Suite struct LessonLimitsTests {
  func write(_ text: String) throws -> URL {
    let file = try makeTemporaryDirectory().appendingPathComponent("lesson.md")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
  }

  @Test(arguments: [["test"], ["export", "--html", "/dev/stdout"], ["lesson"]])
  func aLoopingCellEndsWithItsOwnError(_ command: [String]) throws {
    let file = try write("# Loop\n\n```attn\nattn> while true { }\n```\n\n```attn\nattn> 1 + 1\n2\n```\n")
    let started = Date()
    let arguments = command.count == 3 ? [command[0], file.path] + command[1...] : command + [file.path]
    let result = try AttnProcess.run(arguments + ["--timeout", "1"])
    #expect(!result.crashed)
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(
      (result.stdout + result.stderr).contains("this input ran longer than 1 seconds and was stopped"),
      "\(result.stdout) \(result.stderr)")
  }

  @Test(arguments: ["tolerance=inf", "tolerance=1e400", "tolerance=nan", "nocheck nocheck", "tolerance=1 tolerance=2"])
  func optionsThatMatchAnythingAreRefused(_ options: String) throws {
    let file = try write("# T\n\n```attn \(options)\nattn> 1\n2\n```\n")
    let result = try AttnProcess.run(["test", file.path])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("unknown cell option") || result.stderr.contains("is given twice"), "\(result.stderr)")
  }
}
