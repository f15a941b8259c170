/// A task in a lesson whose answer is checked, not shown: a cell
/// ```` ```attn exercise name=NAME ```` holding `check:` and `hint:` lines,
/// then the solution as a transcript:
///
///     ```attn exercise name=my-softmax
///     hint: exp of each score, divided by the sum of them all
///     check: my_softmax([1, 2, 3])
///     check: my_softmax(randn(6, seed: 17) * 4)   # on scores you have not seen
///     attn> def my_softmax(x) = exp(x) / sum(exp(x))
///     ```
///
/// A student's answer passes when every check gives, in the student's
/// session, what it gives in a session that ran the lesson and the solution
/// (numbers to within ``Exercise/tolerance``). Checks that call a function
/// on hidden random inputs cannot be passed by hard-coding one output. A
/// comment after a check is what a student who fails it is told. For
/// grading, `points: 2` says what the exercise is worth (1 by default) and
/// `visibility: after_published` when students see its result on Gradescope
/// (``Visibility``).
public struct Exercise: Sendable, Equatable {
  public struct Check: Sendable, Equatable {
    /// The expression, evaluated in both sessions.
    public var expression: String
    /// When a check's message is said.
    public enum MessageCondition: Sendable, Equatable {
      /// Whenever the check fails.
      case always
      /// Only when the answer gives `nan` or an infinity where the lesson's
      /// does not (a comment starting `if nan:`); other failures say what differs.
      case notFinite
    }

    /// Said when the check fails (the comment after it), if written.
    public var message: String?
    public var messageCondition = MessageCondition.always
    /// The 1-based line of the `check:` line.
    public var line: Int
  }

  /// A plausible wrong answer the checks must reject (a `wrong:` line),
  /// saying something that contains ``feedback``: `attn test` tries each,
  /// so a lesson's checks are known to catch mistakes and to name them.
  public struct WrongAnswer: Sendable, Equatable {
    /// One line of code, run where the solution would be.
    public var code: String
    /// Text the rejection must contain (the comment after the code).
    public var feedback: String
    /// The 1-based line of the `wrong:` line.
    public var line: Int
  }

  public var name: String
  public var checks: [Check]
  public var wrongAnswers: [WrongAnswer] = []
  /// Shown one by one by `:hint`.
  public var hints: [String]
  /// How far a number may be from the reference's.
  public var tolerance = 1e-6
  /// What the exercise is worth when graded (a `points:` line; 1 by default).
  public var points = 1.0

  /// When a student may read why a graded answer failed (the checks'
  /// messages), as Gradescope's test visibility: a `visibility:` line.
  public enum Visibility: String, Sendable, Equatable, CaseIterable {
    /// Always (the default).
    case visible
    /// Once the assignment's due date has passed.
    case afterDueDate = "after_due_date"
    /// Once the instructor publishes the grades.
    case afterPublished = "after_published"
    /// Never: the exercise's result is for the instructor only.
    case hidden
  }

  public var visibility = Visibility.visible

  static func isValidName(_ name: Substring) -> Bool {
    !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
  }

  /// Reads `check:` and `hint:` lines (blank lines allowed).
  init(name: String, directives: [String], firstLine: Int, path: String) throws {
    self.name = name
    checks = []
    hints = []
    for (offset, line) in directives.enumerated() {
      let trimmed = line.trimmed
      if trimmed.isEmpty { continue }
      if trimmed.hasPrefix("check:") {
        let (expression, message) = Exercise.splitComment(String(trimmed.dropFirst("check:".count)))
        guard !expression.isEmpty else {
          throw NotebookError(path: path, line: firstLine + offset, message: "a check needs an expression")
        }
        var check = Check(expression: expression, message: message, line: firstLine + offset)
        if let message, message.hasPrefix("if nan:") {
          check.message = String(message.dropFirst("if nan:".count)).trimmed
          check.messageCondition = .notFinite
        }
        checks.append(check)
      } else if trimmed.hasPrefix("wrong:") {
        let (code, feedback) = Exercise.splitComment(String(trimmed.dropFirst("wrong:".count)))
        guard !code.isEmpty, let feedback else {
          throw NotebookError(
            path: path, line: firstLine + offset,
            message: "a wrong answer is written 'wrong: CODE  # text the rejection must contain'")
        }
        wrongAnswers.append(WrongAnswer(code: code, feedback: feedback, line: firstLine + offset))
      } else if trimmed.hasPrefix("hint:") {
        hints.append(String(trimmed.dropFirst("hint:".count)).trimmed)
      } else if trimmed.hasPrefix("tolerance:"),
        let value = Double(String(trimmed.dropFirst("tolerance:".count)).trimmed), value >= 0, value.isFinite
      {
        tolerance = value
      } else if trimmed.hasPrefix("points:") {
        let (word, _) = Exercise.splitComment(String(trimmed.dropFirst("points:".count)))
        guard let value = Double(word), value >= 0, value.isFinite
        else {
          throw NotebookError(
            path: path, line: firstLine + offset, message: "'points:' takes a number of points, 0 or more")
        }
        points = value
      } else if trimmed.hasPrefix("visibility:") {
        let (word, _) = Exercise.splitComment(String(trimmed.dropFirst("visibility:".count)))
        guard let value = Visibility(rawValue: word) else {
          let words = Visibility.allCases.map(\.rawValue).joined(separator: ", ")
          throw NotebookError(
            path: path, line: firstLine + offset, message: "'visibility:' is one of \(words); found '\(word)'")
        }
        visibility = value
      } else {
        throw NotebookError(
          path: path, line: firstLine + offset,
          message:
            "an exercise cell starts with 'check:', 'hint:', 'wrong:', 'tolerance:', 'points:' or 'visibility:' lines, "
            + "found '\(trimmed)'")
      }
    }
    guard !checks.isEmpty else {
      throw NotebookError(
        path: path, line: firstLine - 1, message: "exercise '\(name)' needs at least one 'check:' line")
    }
  }

  /// `expr  # message` → (expr, message): a `#` outside a string starts the message.
  static func splitComment(_ text: String) -> (String, String?) {
    var inString = false
    var escaped = false
    for index in text.indices {
      let character = text[index]
      if inString {
        if escaped {
          escaped = false
        } else if character == "\\" {
          escaped = true
        } else if character == "\"" {
          inString = false
        }
      } else if character == "\"" {
        inString = true
      } else if character == "#" {
        let message = String(text[text.index(after: index)...]).trimmed
        return (String(text[..<index]).trimmed, message.isEmpty ? nil : message)
      }
    }
    return (text.trimmed, nil)
  }
}
