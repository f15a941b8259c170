import Foundation
import Testing
import _TestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `attn grade` on a class of submissions: correct, wrong, hard-coded, an
/// endless loop, a syntax error, a huge allocation, a file thief, a flood of
/// output — each gets its marks and the grader carries on.
@Suite struct GradeCommandTests {
  static let lesson = """
    # Doubling

    ```attn
    attn> x = [1, 2, 3]
    ```

    ```attn exercise name=twice
    check: twice(x)
    check: twice(randn(5, seed: 3))   # twice should double any vector
    attn> def twice(v) = 2 * v
    ```

    ```attn exercise name=total
    check: s
    attn> s = sum(x)
    ```
    """

  static let submissions: [String: String] = [
    "correct": "def twice(v) = v * 2\ns = 6\n",
    "wrong": "def twice(v) = v + 1\ns = 7\n",
    "hardcoded": "def twice(v) = [2, 4, 6]\ns = sum(x)\n",
    "loop": "s = sum(x)\nwhile true { }\ndef twice(v) {\n  while true { }\n}\n",
    "syntax": "def twice(v) = (2 * v\ns = 6\n",
    "resync": "x2 = 1\ndef twice(v) = 2 * * v\ns = 6\n",
    "huge": "s = 6\nbig = zeros(100000, 100000)\nl = list()\nwhile true { l = append(l, ones(10000000)) }\n",
    "thief": "secret = lines(\"/etc/passwd\")\ns = 6\nsave(x, \"../escaped.csv\")\n",
    "flood": "s = 6\nwhile true { print(\"spam spam spam spam spam spam spam\") }\n",
  ]

  func setUp() throws -> (lesson: URL, files: [String: URL], root: URL) {
    let root = try makeTemporaryDirectory()
    let lesson = root.appendingPathComponent("doubling.md")
    try Self.lesson.write(to: lesson, atomically: true, encoding: .utf8)
    let classDirectory = root.appendingPathComponent("class")
    try FileManager.default.createDirectory(at: classDirectory, withIntermediateDirectories: true)
    var files: [String: URL] = [:]
    for (name, text) in Self.submissions {
      let file = classDirectory.appendingPathComponent(name + ".attn")
      try text.write(to: file, atomically: true, encoding: .utf8)
      files[name] = file
    }
    return (lesson, files, root)
  }

  struct Report: Decodable {
    struct Submission: Decodable {
      struct Mark: Decodable {
        var exercise: String
        var passed: Bool
        var reason: String?
      }
      struct Problem: Decodable {
        var line: Int?
        var message: String
      }
      var file: String
      var score: Int
      var total: Int
      var exercises: [Mark]
      var errors: [Problem]
    }
    var lesson: String
    var exercises: [String]
    var submissions: [Submission]
  }

  @Test func aClassOfSubmissionsGetsItsMarksInEveryFormat() throws {
    let (lesson, files, root) = try setUp()
    let junit = root.appendingPathComponent("grades.xml")
    let ordered = files.keys.sorted().compactMap { files[$0]?.path }
    let started = Date()
    // The memory limit is low enough for the growing list to meet it in a few
    // iterations, well before the 1-second timeout on a loaded machine.
    let result = try AttnProcess.run(
      ["grade", lesson.path] + ordered + ["--json", "--junit", junit.path, "--timeout", "1", "--max-memory", "300"])
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(!result.crashed)
    #expect(result.status == 1, "not everyone passed: \(result.stderr)")
    let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
    #expect(report.exercises == ["twice", "total"])
    var byName: [String: Report.Submission] = [:]
    for submission in report.submissions {
      byName[URL(fileURLWithPath: submission.file).deletingPathExtension().lastPathComponent] = submission
    }
    func marks(_ name: String) -> [Bool] { byName[name]?.exercises.map(\.passed) ?? [] }
    func reasons(_ name: String) -> String {
      byName[name]?.exercises.compactMap(\.reason).joined(separator: " | ") ?? ""
    }
    func errors(_ name: String) -> String { byName[name]?.errors.map(\.message).joined(separator: " | ") ?? "" }

    #expect(marks("correct") == [true, true])
    #expect(marks("wrong") == [false, false])
    #expect(reasons("wrong").contains("wrong values: the largest difference is 2 at [2] (expected 6, got 4)"))
    #expect(marks("hardcoded") == [false, true], "a hard-coded output fails the hidden input")
    #expect(reasons("hardcoded") == "twice should double any vector")
    #expect(marks("loop") == [false, true])
    #expect(errors("loop").contains("ran longer than 1 seconds"))
    #expect(reasons("loop").contains("took longer than 1 seconds"))
    #expect(marks("syntax") == [false, false], "an unclosed bracket takes the rest of the file with it")
    #expect(errors("syntax").contains("expected ')'"))
    #expect(marks("resync") == [false, true], "the statements after a syntax error still run")
    #expect(byName["resync"]?.errors.first?.line == 2, "the error is reported at its line")
    #expect(marks("huge") == [false, true])
    #expect(errors("huge").contains("more than the limit"))
    #expect(errors("huge").contains("more than 300 MB of memory"))
    #expect(marks("thief") == [false, true])
    #expect(errors("thief").contains("'/etc/passwd' is outside the directories this file may use"))
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("escaped.csv").path))
    #expect(marks("flood") == [false, true])
    #expect(errors("flood").contains("printed more than"))
    #expect(byName["correct"]?.score == 2 && byName["correct"]?.total == 2)

    let xml = try XMLDocument(contentsOf: junit)
    #expect(try xml.nodes(forXPath: "//testsuite").count == Self.submissions.count)
    #expect(try xml.nodes(forXPath: "//testcase").count == 2 * Self.submissions.count)
    #expect(try xml.nodes(forXPath: "//testsuite[contains(@name, 'correct')]/testcase/failure").isEmpty)
    #expect(try xml.nodes(forXPath: "//testsuite[contains(@name, 'wrong')]/testcase/failure").count == 2)
  }

  @Test func theTextReportSaysWhatEachStudentGot() throws {
    let (lesson, files, _) = try setUp()
    let paths = ["correct", "wrong"].compactMap { files[$0]?.path }
    let result = try AttnProcess.run(["grade", lesson.path] + paths)
    #expect(result.status == 1)
    #expect(result.stdout.contains("correct.attn  2/2\n  ✓ twice\n  ✓ total\n"), "\(result.stdout)")
    #expect(result.stdout.contains("wrong.attn  0/2\n  ✗ twice: wrong values"))
    #expect(result.stdout.hasSuffix("2 submissions: 2 of 4 answers passed; 1 passed every exercise\n"))
    let everyonePasses = try AttnProcess.run(["grade", lesson.path, files["correct"]!.path])
    #expect(everyonePasses.status == 0)
  }

  /// Submissions in one folder cannot read each other, nor the lesson kept
  /// beside them (its hidden checks): each runs in a private copy. Data the
  /// instructor allows is readable; the lesson's own cells still read theirs.
  @Test func submissionsCannotReadEachOther() throws {
    let root = try makeTemporaryDirectory()
    let lesson = root.appendingPathComponent("doubling.md")
    let withData = Self.lesson.replacingOccurrences(
      of: "attn> x = [1, 2, 3]", with: "attn> x = load(\"x.csv\")")
    try withData.write(to: lesson, atomically: true, encoding: .utf8)
    try "1,2,3\n".write(to: root.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
    let data = root.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try "4,5\n".write(to: data.appendingPathComponent("given.csv"), atomically: true, encoding: .utf8)
    // Everyone's file in the lesson's folder, as a class hands them in.
    let bob = root.appendingPathComponent("bob.attn")
    try "def twice(v) = 2 * v\ns = 6\n".write(to: bob, atomically: true, encoding: .utf8)
    let alice = root.appendingPathComponent("alice.attn")
    try """
    copied = lines("bob.attn")
    answers = lines("doubling.md")
    mine = save([1], "mine.csv")
    given = load("\(data.path)/given.csv")
    def twice(v) = 2 * v
    s = sum(x) + sum(given) - 9
    """.write(to: alice, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(
      ["grade", lesson.path, alice.path, bob.path, "--json", "--allow-files", data.path])
    #expect(result.status == 0, "both pass: \(result.stdout) \(result.stderr)")
    let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
    #expect(report.submissions.map(\.file) == [alice.path, bob.path], "reported by the names given")
    let aliceErrors = report.submissions[0].errors.map(\.message).joined(separator: "\n")
    #expect(aliceErrors.contains("'bob.attn'"), "\(aliceErrors)")
    #expect(aliceErrors.contains("'doubling.md'"), "\(aliceErrors)")
    #expect(
      !aliceErrors.contains("2 * v") && !aliceErrors.contains("check:"), "nothing of theirs leaks: \(aliceErrors)")
    #expect(report.submissions[0].errors.count == 2, "her own file and the allowed data are hers: \(aliceErrors)")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("mine.csv").path))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.hasPrefix("attn-grade-") }
      .filter { name in
        let path = NSTemporaryDirectory() + "/" + name + "/alice.attn"
        return FileManager.default.fileExists(atPath: path)
          && (try? String(contentsOfFile: path, encoding: .utf8))?.contains("copied = lines") == true
      }
    #expect(leftovers.isEmpty, "the private copies are removed")
  }

  @Test func usageMistakesAreStatusTwo() throws {
    let (lesson, files, root) = try setUp()
    let noExercises = root.appendingPathComponent("plain.md")
    try "# Plain\n\n```attn\nattn> 1\n1\n```\n".write(to: noExercises, atomically: true, encoding: .utf8)
    let plain = try AttnProcess.run(["grade", noExercises.path, files["correct"]!.path])
    #expect(plain.status == 2)
    #expect(plain.stderr.contains("has no exercises"))
    let missing = try AttnProcess.run(["grade", lesson.path, root.appendingPathComponent("nobody.attn").path])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read"))
  }

  @Test func theCourseLessonsGradeTheirOwnSolutions() throws {
    // A submission made of a lesson's solutions passes its every exercise.
    let lesson = AttnProcess.packageRoot.appendingPathComponent("lessons/01-softmax.md")
    let directory = try makeTemporaryDirectory()
    let solutions = directory.appendingPathComponent("solutions.attn")
    try "T = 0.2\ndef my_softmax(x) = exp(x - max(x)) / sum(exp(x - max(x)))\n".write(
      to: solutions, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["grade", lesson.path, solutions.path])
    #expect(result.status == 0, "\(result.stdout)")
  }
}
