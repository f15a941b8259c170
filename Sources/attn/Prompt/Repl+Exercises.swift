import AttnLang
import Foundation
import Lessons

/// Exercises in a lesson walkthrough: the prompt is left empty for the
/// student's answer; each input that runs is checked against the lesson's
/// hidden reference; `:hint` and `:solution` help.
extension Repl {
  /// Checks the student's session after `input` ran at an exercise, when
  /// it defines one of the names the exercise asks for (anything else is
  /// trying things out, not an attempt).
  func judgeExercise(_ input: Program) {
    guard let walkthrough, let exercise = walkthrough.currentExercise,
      !input.assignedNames.isDisjoint(with: walkthrough.exerciseNames),
      let reference = walkthrough.reference(options: referenceOptions)
    else { return }
    let verdict = Judge.judge(exercise, student: session, reference: reference)
    if verdict.passed {
      print(paint("✓ solved: \(exercise.name)", code: "32"))
      recordProgress { $0.markSolved(exercise.name, in: walkthrough.notebook.path) }
      walkthrough.nextCell()
      finishIfDone()
    } else {
      let failed = verdict.failures.count
      print(
        paint(
          "✗ not yet (\(failed) of \(exercise.checks.count) check\(exercise.checks.count == 1 ? "" : "s") fail):",
          code: "33"))
      for failure in verdict.failures.prefix(3) { print("  " + ControlCharacters.escaped(failure.reason)) }
      print(paint("  keep going; :hint for a hint, :solution for the answer", code: "2"))
    }
  }

  /// `:hint`: the current exercise's next hint.
  func hint() -> Bool {
    guard let walkthrough else { return notInLesson() }
    guard let exercise = walkthrough.currentExercise else {
      printError("error: :hint is for exercises; this cell shows its input already")
      return false
    }
    if let hint = walkthrough.nextHint() {
      print(paint("hint: ", code: "36") + ControlCharacters.escaped(hint))
    } else {
      print(
        exercise.hints.isEmpty
          ? "this exercise has no hints; :solution shows the answer" : "no more hints; :solution shows the answer")
    }
    return true
  }

  /// `:solution`: shows the current exercise's solution, runs it so the lesson
  /// can go on, and records that it was revealed.
  func solution() -> Bool {
    guard let walkthrough else { return notInLesson() }
    guard let exercise = walkthrough.currentExercise, let cell = walkthrough.currentCell else {
      printError("error: :solution is for exercises")
      return false
    }
    print(paint("solution of \(exercise.name):", code: "36"))
    for entry in cell.entries {
      for line in Transcript.lines(of: entry.input) { print(ControlCharacters.escaped(line)) }
      _ = evaluate(Session.parse(SourceFile(name: name, text: entry.input)))
    }
    recordProgress { $0.markRevealed(exercise.name, in: walkthrough.notebook.path) }
    walkthrough.nextCell()
    finishIfDone()
    return true
  }

  /// At an exercise, `:next` runs the solution quietly (later cells may need
  /// what it defines) and moves on.
  func skipExercise(_ walkthrough: Walkthrough) {
    guard let exercise = walkthrough.currentExercise, let cell = walkthrough.currentCell else { return }
    for entry in cell.entries { try? session.execute(SourceFile(name: name, text: entry.input)) { _ in } }
    print(paint("skipped \(exercise.name); its solution ran so that the lesson can go on", code: "2"))
  }

  /// The options the reference session runs under: this session's limits and files.
  var referenceOptions: SessionOptions {
    var options = session.options
    options.display = options.display.plain
    return options
  }

  func recordProgress(_ change: (inout ProgressStore) -> Void) {
    guard var store = progressStore else { return }
    for warning in store.warnings where !progressWarned {
      printError("warning: " + warning)
    }
    progressWarned = true
    change(&store)
    do {
      try store.save()
    } catch {
      printError("warning: cannot save progress to \(store.path): \(error)")
    }
    progressStore = store
  }

  func paint(_ text: String, code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
