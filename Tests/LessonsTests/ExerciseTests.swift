import Attention
import AttnLang
import Testing
import _TestSupport

@testable import Lessons

@Suite struct ExerciseTests {
  let lesson = """
    # Doubling

    ```attn
    attn> x = [1, 2, 3]
    ```

    Write `twice(v)`.

    ```attn exercise name=twice
    hint: multiply by 2
    hint: def twice(v) = ...
    check: twice(x)
    check: twice(randn(5, seed: 3))   # twice should double any vector
    attn> def twice(v) = 2 * v
    attn> twice(x)
    [2, 4, 6]
    ```
    """

  func parsed() throws -> Notebook { try Notebook(path: "doubling.md", text: lesson) }

  @Test func anExerciseCellHoldsChecksHintsAndItsSolution() throws {
    let notebook = try parsed()
    let exercise = try #require(notebook.exercises.first)
    #expect(exercise.name == "twice")
    #expect(exercise.hints == ["multiply by 2", "def twice(v) = ..."])
    #expect(exercise.checks.map(\.expression) == ["twice(x)", "twice(randn(5, seed: 3))"])
    #expect(exercise.checks.map(\.message) == [nil, "twice should double any vector"])
    #expect(exercise.checks.map(\.line) == [12, 13])
    let cell = notebook.cells[1]
    #expect(cell.entries.map(\.input) == ["def twice(v) = 2 * v", "twice(x)"])
    #expect(cell.entries.map(\.line) == [14, 15])
    // Re-recording outputs keeps the checks and hints.
    #expect(notebook.updatingOutputs([]) == lesson + "\n")
  }

  @Test func malformedExercisesAreErrorsAtTheirLine() {
    let cases: [(String, String)] = [
      ("```attn exercise\nattn> 1\n```", "both words"),
      ("```attn name=x\nattn> 1\n```", "both words"),
      ("```attn exercise name=x\nattn> 1\n```", "needs at least one 'check:' line"),
      ("```attn exercise name=x\ncheck: 1\n```", "needs its solution"),
      ("```attn exercise name=x\nsolve: 1\nattn> 1\n```", "found 'solve: 1'"),
      ("```attn exercise name=x y\ncheck: 1\nattn> 1\n```", "unknown cell option 'y'"),
      ("```attn exercise name=a/b\ncheck: 1\nattn> 1\n```", "unknown cell option 'name=a/b'"),
      ("```attn exercise name=x\ncheck: 1\nattn> 1\n```\n```attn exercise name=x\ncheck: 1\nattn> 1\n```", "a second exercise named 'x'"),
    ]
    for (text, message) in cases {
      do {
        _ = try Notebook(path: "l.md", text: text)
        Issue.record("accepted: \(text)")
      } catch {
        #expect("\(error)".contains(message), "\(error)")
      }
    }
  }

  @Test func aCommentAfterACheckIsItsMessageButNotInsideAString() {
    #expect(Exercise.splitComment(" f(x)  # say this ") == ("f(x)", "say this"))
    #expect(Exercise.splitComment("len(\"#a\")") == ("len(\"#a\")", nil))
    #expect(Exercise.splitComment("s == \"a\\\"#\" # m") == ("s == \"a\\\"#\"", "m"))
  }

  /// A student session after the lesson's first cell and `answer`.
  func student(_ answer: String) throws -> Session {
    let session = Session()
    _ = try session.values("x = [1, 2, 3]\n" + answer)
    return session
  }

  func reference() throws -> Session { try student("def twice(v) = 2 * v") }

  @Test func aRightAnswerPassesAndLeavesTheSessionAsItWas() throws {
    let exercise = try #require(try parsed().exercises.first)
    let session = try student("def twice(v) = v + v\nans_before = 1")
    let verdict = Judge.judge(exercise, student: session, reference: try reference())
    #expect(verdict.passed, "\(verdict.failures.map(\.reason))")
    #expect(session.value(of: "ans") == nil, "checking sets nothing, not even ans")
  }

  @Test func wrongAndHardCodedAnswersFailWithWhatIsOff() throws {
    let exercise = try #require(try parsed().exercises.first)
    let wrong = Judge.judge(exercise, student: try student("def twice(v) = v + 1"), reference: try reference())
    #expect(!wrong.passed)
    #expect(
      wrong.failures.first?.reason
        == "wrong values: the largest difference is 2 at [2] (expected 6, got 4)")
    #expect(wrong.failures.last?.reason == "twice should double any vector")

    let hardCoded = Judge.judge(exercise, student: try student("def twice(v) = [2, 4, 6]"), reference: try reference())
    #expect(hardCoded.failures.count == 1, "the visible input passes, the hidden one does not")
    #expect(hardCoded.failures.first?.check.line == 13)

    let missing = Judge.judge(exercise, student: try student(""), reference: try reference())
    #expect(missing.failures.first?.reason.contains("unknown") == true, "\(missing.failures.map(\.reason))")
  }

  @Test func anEndlessAnswerFailsAfterTheTimeLimit() throws {
    let exercise = try #require(try parsed().exercises.first)
    let session = try student("def twice(v) {\n  while true { }\n}")
    let verdict = Judge.judge(exercise, student: session, reference: try reference(), timeLimit: 0.3)
    #expect(verdict.failures.first?.reason.contains("took longer than") == true, "\(verdict.failures.map(\.reason))")
    #expect(try session.value("1 + 1") == .tensor(Tensor(2)), "the session still works")
  }

  @Test func valuesCompareByKindShapeAndNumbers() {
    func difference(_ a: Value, _ b: Value) -> String? {
      ValueComparison.difference(expected: a, actual: b, tolerance: 1e-6)
    }
    #expect(difference(.tensor(Tensor([1, 2])), .tensor(Tensor([1, 2 + 1e-9]))) == nil)
    #expect(
      difference(.tensor(Tensor([1, 2])), .tensor(Tensor([1, 2, 3])))
        == "wrong shape: expected [2], got [3]")
    #expect(difference(.number(1), .tensor(Tensor(1))) == nil, "a number is a rank-0 tensor")
    #expect(difference(.number(1), .number(0)) == "expected 1, got 0")
    #expect(difference(.tensor(Tensor([.nan])), .tensor(Tensor([.nan]))) == nil)
    #expect(difference(.tensor(Tensor([1])), .tensor(Tensor([.nan]))) != nil)
    #expect(difference(.string("a"), .string("b")) == "expected \"a\", got \"b\"")
    #expect(difference(.string("a"), .number(1)) == "expected a string, got a number")
    #expect(difference(.list([.number(1), .string("x")]), .list([.number(1), .string("y")])) == "item 1: expected \"x\", got \"y\"")
    #expect(difference(.list([.number(1)]), .list([])) == "expected a list of 1, got a list of 0")
    let a = Record([("w", .tensor(Tensor([1]))), ("b", .number(0))])
    let b = Record([("b", .number(0)), ("w", .tensor(Tensor([2])))])
    #expect(difference(.record(a), .record(b)) == "field w: wrong values: the largest difference is 1 at [0] (expected 1, got 2)")
    #expect(difference(.record(a), .record(Record([("w", .number(1))]))) == "expected a record with {w, b}, got {w}")
  }

  @Test func testingALessonChecksItsExercises() throws {
    let good = try Notebook(path: "l.md", text: lesson)
    let results = NotebookRunner().run(good)
    #expect(results.allSatisfy { $0.passed })

    // Checks that hold before the solution runs check nothing.
    let vacuous = try Notebook(
      path: "l.md", text: "```attn exercise name=v\ncheck: 1 + 1\nattn> y = 2\n```")
    let result = try #require(NotebookRunner().run(vacuous).first)
    #expect(!result.passed)
    #expect(result.exerciseProblem?.contains("already pass before the solution runs") == true)

    // A solution that does not define what its check uses.
    let broken = try Notebook(
      path: "l.md", text: "```attn exercise name=b\ncheck: twice(2)\nattn> def thrice(v) = 3 * v\n```")
    let brokenResult = try #require(NotebookRunner().run(broken).first)
    #expect(brokenResult.exerciseProblem?.contains("after the solution, check 'twice(2)' fails") == true)
    #expect(LessonReport.failure(brokenResult, path: "l.md").contains("l.md:1: error: exercise 'b'"))
  }

  @Test func progressIsKeptPerLessonFile() throws {
    let directory = try makeTemporaryDirectory()
    let path = directory.appendingPathComponent("attn/progress.json").path
    var store = ProgressStore(path: path)
    store.markSolved("twice", in: "/somewhere/01-softmax.md")
    store.markSolved("twice", in: "/elsewhere/01-softmax.md")
    store.markRevealed("other", in: "01-softmax.md")
    try store.save()
    let again = ProgressStore(path: path)
    #expect(again.lesson("lessons/01-softmax.md") == ProgressStore.Lesson(solved: ["twice"], revealed: ["other"]))
    #expect(ProgressStore.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/attn/progress.json")
    #expect(ProgressStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/attn/progress.json")
    #expect(ProgressStore.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/attn/progress.json")
  }
}
