import Foundation
import Testing
import _TestSupport

/// Exercises at the prompt through the real binary: the answer is checked
/// against the hidden reference, hints come one by one, progress is kept.
@Suite struct ExerciseWalkthroughTests {
  let lesson = """
    # Doubling

    ```attn
    attn> x = [1, 2, 3]
    ```

    Write `twice(v)`, which doubles a vector.

    ```attn exercise name=twice
    hint: multiply by 2
    check: twice(x)
    check: twice(randn(5, seed: 3))   # twice should double any vector
    attn> def twice(v) = 2 * v
    ```

    The end.
    """

  func setUp() throws -> (lesson: URL, state: URL) {
    let directory = try makeTemporaryDirectory()
    let file = directory.appendingPathComponent("doubling.md")
    try lesson.write(to: file, atomically: true, encoding: .utf8)
    return (file, directory.appendingPathComponent("state"))
  }

  func progress(_ state: URL) throws -> [String: [String: [String]]] {
    let data = try Data(contentsOf: state.appendingPathComponent("attn/progress.json"))
    return try JSONDecoder().decode([String: [String: [String]]].self, from: data)
  }

  @Test func aWrongThenARightAnswer() throws {
    let (file, state) = try setUp()
    let input = """
      :lesson \(file.path)
      x = [1, 2, 3]
      def twice(v) = [2, 4, 6]
      :hint
      :hint
      def twice(v) = v * 2
      x

      """
    let result = try AttnProcess.run([], input: input, environment: ["XDG_STATE_HOME": state.path])
    #expect(result.status == 0, "\(result.stderr)")
    let out = result.stdout
    #expect(out.contains("✗ not yet (1 of 2 checks fail):\n  twice should double any vector\n"), "\(out)")
    #expect(out.contains("hint: multiply by 2"))
    #expect(out.contains("no more hints; :solution shows the answer"))
    #expect(out.contains("✓ solved: twice"))
    #expect(out.contains("End of “Doubling”"))
    #expect(!out.contains("2 * v"), "the solution is never shown")
    #expect(try progress(state)["doubling.md"]?["solved"] == ["twice"])
  }

  @Test func theSolutionIsShownRunAndRecorded() throws {
    let (file, state) = try setUp()
    let input = ":lesson \(file.path)\nx = [1, 2, 3]\n:solution\ntwice([5])\n"
    let result = try AttnProcess.run([], input: input, environment: ["XDG_STATE_HOME": state.path])
    #expect(result.stdout.contains("solution of twice:\nattn> def twice(v) = 2 * v\n"), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("[10]\n"), "the solution ran: \(result.stdout)")
    #expect(try progress(state)["doubling.md"]?["revealed"] == ["twice"])
    #expect(try progress(state)["doubling.md"]?["solved"] == [])
  }

  @Test func aShownSolutionIsMarkedInTheCourseList() throws {
    let (file, state) = try setUp()
    let input = ":lesson \(file.path)\nx = [1, 2, 3]\n:solution\n"
    _ = try AttnProcess.run([], input: input, environment: ["XDG_STATE_HOME": state.path])
    let listing = try AttnProcess.run(
      ["lesson"],
      environment: ["XDG_STATE_HOME": state.path, "ATTN_LESSONS": file.deletingLastPathComponent().path])
    #expect(listing.stdout.contains("Doubling  (· 0/1 exercises, 1 solution shown)"), "\(listing.stdout)")
  }

  /// Trying things at an exercise (inputs that define none of its names,
  /// or an empty line) is not an attempt: nothing is judged.
  @Test func exploringIsNotAnAttempt() throws {
    let (file, state) = try setUp()
    let input = ":lesson \(file.path)\nx = [1, 2, 3]\n\n2 * x\ny = 3\ndef twice(v) = v + v\n"
    let result = try AttnProcess.run([], input: input, environment: ["XDG_STATE_HOME": state.path])
    #expect(result.stdout.components(separatedBy: "not yet").count == 1, "\(result.stdout)")
    #expect(result.stdout.contains("[2, 4, 6]\n✓ solved: twice"), "\(result.stdout)")
  }

  @Test func hintAndSolutionOutsideAnExerciseAreErrors() throws {
    let result = try AttnProcess.run([], input: ":hint\n:solution\n")
    #expect(result.stderr.contains("error: not in a lesson"))
    #expect(result.status == 1)
  }

  @Test func readingALessonThroughHidesTheSolution() throws {
    let (file, _) = try setUp()
    let result = try AttnProcess.run(["lesson", file.path])
    #expect(
      result.stdout.contains(
        "(exercise twice: answer it at the prompt, where attn checks it: attn lesson \(file.path))"))
    #expect(!result.stdout.contains("2 * v"))
  }

  @Test func theCourseListsExerciseProgress() throws {
    let directory = try makeTemporaryDirectory()
    let result = try AttnProcess.run(["lesson"], environment: ["XDG_STATE_HOME": directory.path])
    #expect(result.stdout.contains("Softmax: from scores to probabilities  (· 0/2 exercises)"), "\(result.stdout)")
  }
}

/// A session saved during a lesson replays elsewhere: the lesson's relative
/// file names (`data/…`, read beside the lesson) are written so they resolve
/// from the saved file.
@Suite struct SavedLessonSessionTests {
  @Test func aSavedWalkthroughReplaysWithAttnRun() throws {
    let root = try makeTemporaryDirectory()
    let course = root.appendingPathComponent("course")
    try FileManager.default.createDirectory(
      at: course.appendingPathComponent("data"), withIntermediateDirectories: true)
    try "emma\nolivia\n".write(to: course.appendingPathComponent("data/names.txt"), atomically: true, encoding: .utf8)
    let lesson = """
      # Names

      ```attn
      attn> names = lines("data/names.txt")
      attn> len(names)
      2
      ```
      """
    try lesson.write(to: course.appendingPathComponent("names.md"), atomically: true, encoding: .utf8)
    let work = root.appendingPathComponent("work")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let input = ":lesson \(course.path)/names.md\nnames = lines(\"data/names.txt\")\nlen(names)\n:save mine.attn\n"
    let walked = try AttnProcess.run([], input: input, directory: work)
    #expect(walked.stdout.contains("saved 2 inputs to mine.attn"), "\(walked.stdout) \(walked.stderr)")
    let saved = try String(contentsOf: work.appendingPathComponent("mine.attn"), encoding: .utf8)
    #expect(saved == "names = lines(\"../course/data/names.txt\")\nlen(names)\n")
    let replay = try AttnProcess.run(["run", "mine.attn"], directory: work)
    #expect(replay.status == 0, "\(replay.stderr)")
    #expect(replay.stdout == "2\n")
  }
}

/// The progress file is read entry by entry: one bad entry (or a missing
/// key) never erases the rest, unknown keys stay, and a file that cannot be
/// read at all is set aside, not overwritten.
@Suite struct ProgressFileTests {
  let lesson = """
    # Doubling

    ```attn exercise name=twice
    check: twice([1, 2])   # twice should double
    attn> def twice(v) = 2 * v
    ```
    """

  func solve(state: URL) throws -> AttnProcess.Result {
    let file = state.deletingLastPathComponent().appendingPathComponent("doubling.md")
    try lesson.write(to: file, atomically: true, encoding: .utf8)
    return try AttnProcess.run(
      [], input: ":lesson \(file.path)\ndef twice(v) = v + v\n", environment: ["XDG_STATE_HOME": state.path])
  }

  @Test func aBadEntryIsSkippedAndTheRestKept() throws {
    let state = try makeTemporaryDirectory().appendingPathComponent("state")
    let progress = state.appendingPathComponent("attn/progress.json")
    try FileManager.default.createDirectory(
      at: progress.deletingLastPathComponent(), withIntermediateDirectories: true)
    let before = """
      {"01-softmax.md": {"solved": ["my-softmax"], "stars": 3},
       "02-index-selection.md": {"solved": ["frequencies"]},
       "03-broken.md": 17,
       "04-attention-and-mlp.md": {"solved": "pointer"}}
      """
    try before.write(to: progress, atomically: true, encoding: .utf8)
    let result = try solve(state: state)
    #expect(result.stdout.contains("✓ solved: twice"), "\(result.stdout)")
    #expect(result.stderr.contains("'03-broken.md' is not a lesson's record"), "\(result.stderr)")
    let after = try JSONSerialization.jsonObject(with: Data(contentsOf: progress)) as? [String: Any] ?? [:]
    #expect((after["01-softmax.md"] as? [String: Any])?["solved"] as? [String] == ["my-softmax"])
    #expect((after["01-softmax.md"] as? [String: Any])?["stars"] as? Int == 3, "unknown keys stay")
    #expect((after["02-index-selection.md"] as? [String: Any])?["solved"] as? [String] == ["frequencies"])
    #expect(after["03-broken.md"] as? Int == 17, "an entry that cannot be read is kept as it was")
    #expect((after["doubling.md"] as? [String: Any])?["solved"] as? [String] == ["twice"])
  }

  @Test func anUnreadableFileIsSetAside() throws {
    let state = try makeTemporaryDirectory().appendingPathComponent("state")
    let progress = state.appendingPathComponent("attn/progress.json")
    try FileManager.default.createDirectory(
      at: progress.deletingLastPathComponent(), withIntermediateDirectories: true)
    try "this is not json".write(to: progress, atomically: true, encoding: .utf8)
    let result = try solve(state: state)
    #expect(result.stderr.contains("cannot be read; it will be kept as"), "\(result.stderr)")
    let aside = try String(contentsOfFile: progress.path + ".unreadable", encoding: .utf8)
    #expect(aside == "this is not json")
    let after = try JSONSerialization.jsonObject(with: Data(contentsOf: progress)) as? [String: Any] ?? [:]
    #expect((after["doubling.md"] as? [String: Any])?["solved"] as? [String] == ["twice"])
  }
}
