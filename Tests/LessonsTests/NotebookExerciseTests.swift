import AttnLang
import Foundation
import Testing

@testable import Lessons

/// Exercises answered in a notebook (the Jupyter kernel) and graded for a
/// course: points and visibility, the kernel's exercise commands, a
/// submitted notebook, Gradescope's results, and exported notebooks that
/// keep their solutions out.
@Suite struct NotebookExerciseTests {
  static let lesson = """
    # Doubling

    ```attn
    attn> x = [1, 2, 3]
    ```

    **Twice.** Write `twice(v)`, which doubles any vector.

    ```attn exercise name=twice
    points: 2.5   # the harder one
    visibility: after_published
    hint: multiply by 2
    check: twice(x)
    check: twice(randn(5, seed: 3))   # twice should double any vector
    attn> def twice(v) = 2 * v
    ```

    Sum it.

    ```attn exercise name=total
    check: s
    attn> s = sum(x) + 1000
    ```
    """

  func parsed() throws -> Notebook { try Notebook(path: "doubling.md", text: Self.lesson) }

  @Test func exercisesDeclareTheirPointsAndVisibility() throws {
    let exercises = try parsed().exercises
    #expect(exercises.map(\.points) == [2.5, 1])
    #expect(exercises.map(\.visibility) == [.afterPublished, .visible])
    for (line, message) in [
      ("points: -1", "'points:' takes a number of points"), ("points: many", "'points:' takes a number"),
      ("visibility: secret", "'visibility:' is one of visible, after_due_date, after_published, hidden"),
    ] {
      let text = "# L\n\n```attn exercise name=e\n\(line)\ncheck: y\nattn> y = 1\n```\n"
      #expect(throws: NotebookError.self) { try Notebook(path: "l.md", text: text) }
      do {
        _ = try Notebook(path: "l.md", text: text)
      } catch {
        #expect("\(error)".contains("l.md:4: error: \(message)"), "\(error)")
      }
    }
  }

  @Test func notebookCommandsAreRecognisedAndCodeIsNot() {
    #expect(NotebookCommand.parse(":lesson 3") == .lesson("3"))
    #expect(NotebookCommand.parse("  :check twice \n") == .check("twice"))
    #expect(NotebookCommand.parse("check(\"twice\")") == .check("twice"))
    #expect(NotebookCommand.parse("check( \"twice\" )") == .check("twice"))
    #expect(NotebookCommand.parse(":hint") == .hint(""))
    #expect(NotebookCommand.parse(":solution twice") == .solution("twice"))
    #expect(NotebookCommand.parse("check(x)") == nil, "a function of the student's called check is code")
    #expect(NotebookCommand.parse("check(\"a b\")") == nil)
    #expect(NotebookCommand.parse(":check twice\nx = 1") == nil, "a command is a cell of its own")
    #expect(NotebookCommand.parse(":vars") == nil)
    #expect(NotebookCommand.isCommandLine(":vars") && NotebookCommand.isCommandLine("check(\"twice\")"))
    #expect(!NotebookCommand.isCommandLine("x = 1"))
  }

  @Test func theKernelChecksHintsAndShowsSolutions() throws {
    let notebook = try parsed()
    let exercises = NotebookExercises(notebook: notebook, referenceOptions: SessionOptions())
    let student = Session()
    try student.execute(SourceFile(name: "cell", text: "x = [1, 2, 3]\ndef twice(v) = v + v")) { _ in }
    let twice = try exercises.exercise("twice").get()
    let passed = exercises.check(twice, student: student)
    #expect(passed.passed && passed.text == "✓ twice: passed every check")
    let total = try exercises.exercise("total").get()
    try student.execute(SourceFile(name: "cell", text: "s = sum(x)")) { _ in }
    let failed = exercises.check(total, student: student)
    #expect(!failed.passed)
    #expect(failed.text.hasPrefix("✗ total: not yet (1 of 1 check fails)\n"), "\(failed.text)")
    #expect(failed.text.contains("expected 1006, got 6"), "\(failed.text)")
    #expect(exercises.hint(twice) == "hint: multiply by 2")
    #expect(exercises.hint(twice).hasPrefix("no more hints"))
    #expect(exercises.solution(total) == ["s = sum(x) + 1000"])
    let unnamed = try exercises.exercise("").get()
    #expect(unnamed.name == "total", "no name means the exercise named last")
    guard case .failure(let error) = exercises.exercise("thrice") else {
      Issue.record("an unknown exercise is found")
      return
    }
    #expect(error.message == "“Doubling” has no exercise 'thrice'; its exercises: twice, total")
  }

  @Test func aSubmittedNotebookIsItsCodeCellsInOrder() throws {
    let document: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5, "metadata": [:] as [String: Any],
      "cells": [
        ["cell_type": "code", "source": ":lesson doubling", "metadata": [:] as [String: Any], "outputs": []],
        ["cell_type": "markdown", "source": "def twice(v) = 0", "metadata": [:] as [String: Any]],
        ["cell_type": "code", "source": ["def twice(v) = 2 * v\n", "s = 7"], "metadata": [:] as [String: Any]],
        ["cell_type": "code", "source": "check(\"twice\")\n:vars", "metadata": [:] as [String: Any]],
        ["cell_type": "code", "source": "s = 1006", "metadata": [:] as [String: Any]],
      ],
    ]
    let data = try JSONSerialization.data(withJSONObject: document)
    let source = try NotebookSubmission.source(of: SourceFile(name: "a.ipynb", bytes: Array(data)))
    #expect(source.text == "\ndef twice(v) = 2 * v\ns = 7\n\n\ns = 1006\n")
    #expect(source.name == "a.ipynb")
    #expect(throws: SourceReadError.self) {
      try NotebookSubmission.source(of: SourceFile(name: "b.ipynb", text: "def twice(v) = 2 * v"))
    }
  }

  /// Gradescope's autograder specification lists these fields; a results
  /// document may use no others, and its numbers must add up.
  static let publishedTopLevel: Set<String> = [
    "score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility",
    "stdout_visibility", "extra_data", "tests", "leaderboard",
  ]
  static let publishedTest: Set<String> = [
    "score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
    "visibility", "extra_data",
  ]
  static let visibilities: Set<String> = ["hidden", "after_due_date", "after_published", "visible"]

  @Test func gradescopeResultsUseThePublishedFields() throws {
    let notebook = try parsed()
    let result = SubmissionResult(
      file: "alice.attn",
      exercises: [
        .init(exercise: "twice", passed: true), .init(exercise: "total", passed: false, reason: "wrong values"),
      ],
      problems: [.init(line: 3, message: "unknown name 'y'")])
    let document = GradescopeReport.document(
      lesson: notebook.title, exercises: notebook.exercises, result: result, seconds: 1.23456)
    let json = GradescopeReport.json(document)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(Set(object.keys).isSubset(of: Self.publishedTopLevel), "\(object.keys)")
    #expect(object["score"] as? Double == 2.5)
    #expect(object["execution_time"] as? Double == 1.23)
    #expect((object["output"] as? String)?.contains("2.5 of 3.5 points") == true)
    #expect((object["output"] as? String)?.contains("line 3: unknown name 'y'") == true)
    #expect(Self.visibilities.contains(object["stdout_visibility"] as? String ?? ""))
    let tests = try #require(object["tests"] as? [[String: Any]])
    #expect(tests.count == 2)
    for test in tests {
      #expect(Set(test.keys).isSubset(of: Self.publishedTest), "\(test.keys)")
      #expect(Self.visibilities.contains(test["visibility"] as? String ?? ""))
      #expect(test["name"] is String && test["output"] is String && test["number"] is String)
      #expect((test["score"] as? Double ?? -1) <= (test["max_score"] as? Double ?? -2))
    }
    #expect(tests.map { $0["name"] as? String } == ["twice", "total"])
    #expect(tests.map { $0["max_score"] as? Double } == [2.5, 1])
    #expect(tests.map { $0["score"] as? Double } == [2.5, 0])
    #expect(tests.map { $0["visibility"] as? String } == ["after_published", "visible"])
    #expect(tests[1]["output"] as? String == "✗ wrong values")
    let sum = tests.reduce(0.0) { $0 + ($1["score"] as? Double ?? 0) }
    #expect(sum == object["score"] as? Double)
  }

  @Test func anExportedNotebookLeavesTheAnswersToTheStudent() throws {
    let notebook = try parsed()
    let text = NotebookJupyter.export(
      notebook, lessonName: "doubling", runner: NotebookRunner(session: Session()), referenceOptions: SessionOptions())
    #expect(!text.contains("2 * v") && !text.contains("1000"), "no solution in the notebook")
    #expect(!text.contains("multiply by 2") && !text.contains("randn(5, seed: 3)"), "no hints nor checks")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let cells = try #require(document["cells"] as? [[String: Any]])
    let code = cells.filter { $0["cell_type"] as? String == "code" }
    let sources = code.compactMap { $0["source"] as? String }
    #expect(sources.first == ":lesson doubling")
    #expect(sources.contains("check(\"twice\")") && sources.contains("check(\"total\")"))
    let stub = try #require(sources.first { $0.hasPrefix("# Exercise twice") })
    #expect(stub.contains("# Twice. Write `twice(v)`, which doubles any vector."), "\(stub)")
    #expect(stub.split(separator: "\n").allSatisfy { $0.hasPrefix("#") }, "the answer cell runs nothing")
    let checkCell = try #require(code.first { $0["source"] as? String == "check(\"twice\")" })
    let output = ((checkCell["outputs"] as? [[String: Any]])?.first?["text"] as? String) ?? ""
    #expect(output.hasPrefix("✗ twice: not yet"), "the check's output is what the kernel says before an answer")
    let metadata = document["metadata"] as? [String: Any]
    #expect((metadata?["language_info"] as? [String: Any])?["pygments_lexer"] as? String == "attn")
  }
}
