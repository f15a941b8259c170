import Foundation
import Testing
import _TestSupport

/// `attn grade` as a course uses it: many submissions at once, Jupyter
/// notebooks handed in, and Gradescope's results file.
@Suite struct GradeForCoursesTests {
  typealias Report = GradeCommandTests.Report

  func marks(_ report: Report) -> [String: [Bool]] {
    var marks: [String: [Bool]] = [:]
    for submission in report.submissions {
      marks[URL(fileURLWithPath: submission.file).lastPathComponent] = submission.exercises.map(\.passed)
    }
    return marks
  }

  /// Graded three at a time, a class with an endless loop and an endless
  /// allocation among it gets the marks it gets one at a time, in the order given.
  @Test func submissionsGradeInParallelWithTheSameMarks() throws {
    let (lesson, files, _) = try GradeCommandTests().setUp()
    let ordered = files.keys.sorted().compactMap { files[$0]?.path }
    let arguments = ["grade", lesson.path] + ordered + ["--json", "--timeout", "1", "--max-memory", "300"]
    let one = try AttnProcess.run(arguments)
    let three = try AttnProcess.run(arguments + ["--jobs", "3"])
    #expect(!three.crashed && three.status == 1, "\(three.stderr)")
    let serial = try JSONDecoder().decode(Report.self, from: Data(one.stdout.utf8))
    let parallel = try JSONDecoder().decode(Report.self, from: Data(three.stdout.utf8))
    #expect(parallel.submissions.map(\.file) == ordered, "reported in the order given")
    #expect(marks(parallel) == marks(serial))
    #expect(marks(parallel)["correct.attn"] == [true, true])
    #expect(marks(parallel)["loop.attn"] == [false, true])
    #expect(marks(parallel)["huge.attn"] == [false, true])
    let bad = try AttnProcess.run(["grade", lesson.path, ordered[0], "--jobs", "0"])
    #expect(bad.status == 2 && bad.stderr.contains("--jobs must be 1 or more"))
  }

  func notebook(_ sources: [String]) throws -> Data {
    let cells = sources.map {
      ["cell_type": "code", "source": $0, "metadata": [:] as [String: Any], "outputs": [] as [Any]] as [String: Any]
    }
    let document: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5, "metadata": [:] as [String: Any],
      "cells": [["cell_type": "markdown", "source": "# My answers", "metadata": [:] as [String: Any]]] + cells,
    ]
    return try JSONSerialization.data(withJSONObject: document)
  }

  /// A notebook handed in is graded as its code cells in order; the
  /// kernel's commands in it are not code; Gradescope's results say so.
  @Test func aNotebookGradesIntoGradescopeResults() throws {
    let (lesson, _, root) = try GradeCommandTests().setUp()
    let points = try String(contentsOf: lesson, encoding: .utf8).replacingOccurrences(
      of: "check: twice(x)\n", with: "points: 3\nvisibility: after_published\ncheck: twice(x)\n")
    try points.write(to: lesson, atomically: true, encoding: .utf8)
    let submitted = root.appendingPathComponent("alice.ipynb")
    try notebook([":lesson doubling", "def twice(v) = 2 * v", "check(\"twice\")", "s = 5\ny = nothing_here"])
      .write(to: submitted)
    let results = root.appendingPathComponent("results.json")
    let result = try AttnProcess.run(["grade", lesson.path, submitted.path, "--gradescope", results.path])
    #expect(result.status == 1, "one of two exercises passes: \(result.stdout) \(result.stderr)")
    #expect(result.stdout.contains("alice.ipynb  1/2\n  ✓ twice\n  ✗ total"), "\(result.stdout)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [String: Any])
    #expect(object["score"] as? Double == 3)
    #expect((object["execution_time"] as? Double ?? -1) >= 0)
    let tests = try #require(object["tests"] as? [[String: Any]])
    #expect(tests.map { $0["name"] as? String } == ["twice", "total"])
    #expect(tests.map { $0["max_score"] as? Double } == [3, 1])
    #expect(tests.map { $0["visibility"] as? String } == ["after_published", "visible"])
    #expect((tests[1]["output"] as? String)?.contains("expected 6, got 5") == true, "\(tests[1])")
    #expect(
      (object["output"] as? String)?.contains("code cell 4, line 2: unknown name 'nothing_here'") == true,
      "a notebook's errors name the cell: \(object["output"] ?? "")")

    let two = try AttnProcess.run(["grade", lesson.path, submitted.path, submitted.path, "--gradescope", "r.json"])
    #expect(two.status == 2 && two.stderr.contains("--gradescope grades one submission"))
    let broken = root.appendingPathComponent("broken.ipynb")
    try "def twice(v) = 2 * v\n".write(to: broken, atomically: true, encoding: .utf8)
    let unreadable = try AttnProcess.run(["grade", lesson.path, broken.path])
    #expect(unreadable.status == 2)
    #expect(unreadable.stderr.contains("it is not a Jupyter notebook"), "\(unreadable.stderr)")
  }

  /// Ctrl-C during grading stops the grading processes and removes the
  /// private copies and their temporary directories, then ends with 130.
  @Test func anInterruptedGraderLeavesNothingBehind() throws {
    let (lesson, _, root) = try GradeCommandTests().setUp()
    let marker = "spin-\(UUID().uuidString)"
    var files: [String] = []
    for index in 0..<2 {
      let file = root.appendingPathComponent("\(marker)-\(index).attn")
      try "tempdir()\nwhile true { }\n".write(to: file, atomically: true, encoding: .utf8)
      files.append(file.path)
    }
    func copies() -> [String] {
      let temporary = NSTemporaryDirectory()
      let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
      return names.filter { $0.hasPrefix("attn-grade-") }.filter { name in
        let inside = (try? FileManager.default.contentsOfDirectory(atPath: temporary + "/" + name)) ?? []
        return inside.contains { $0.hasPrefix(marker) }
      }
    }
    let process = Process()
    process.executableURL = AttnProcess.executable
    process.arguments = ["grade", lesson.path] + files + ["--jobs", "2", "--timeout", "30"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    for _ in 0..<200 where copies().count < 2 { usleep(50_000) }
    #expect(copies().count == 2, "both submissions are being graded")
    usleep(300_000)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    #expect(copies().isEmpty, "the private copies are removed")
    usleep(100_000)
    let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    let grading = processes.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
      let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
      return String(decoding: command, as: UTF8.self).contains(marker)
    }
    #expect(grading.isEmpty, "the grading processes are stopped")
  }
}
