import Attention
import AttnLang
import Foundation
import Lessons

#if canImport(Glibc)
  import Glibc
#endif

/// `attn serve --stdio`: attn for programs — the Jupyter kernel, editors —
/// one JSON object per line each way. Requests carry an `id`, echoed in the
/// response, and one of:
///
///     {"id": 1, "execute": "x = softmax([1, 2])\nx"}
///         → {"id": 1, "status": "ok", "outputs": [{"type": "value", "text": "[0.2689, 0.7311]", "value": {…}}]}
///     {"id": 2, "complete": "soft", "cursor": 4}     → {"id": 2, "matches": ["softmax"], "start": 0, "end": 4}
///     {"id": 3, "inspect": "softmax(x", "cursor": 7} → {"id": 3, "found": true, "name": "softmax", "text": "softmax(x, …"}
///     {"id": 4, "is_complete": "def f(x) {"}        → {"id": 4, "status": "incomplete"}
///
/// An output is `{"type": "stream", "text"}` for `print`, else `{"type":
/// "value", "text", "value"}` with `"svg"` for pictures and attention
/// records' weights and `"html"` for explanations and small matrices. An
/// error is `"status": "error"` with `"error": {"message", "text"}` (the
/// diagnostic as the prompt shows it). SIGINT stops the running request
/// (it ends with the error `interrupted`); the variables stay.
///
/// A cell that is one of the notebook commands (``NotebookCommand``:
/// `:lesson NAME`, `:check NAME` or `check("NAME")`, `:hint NAME`,
/// `:solution NAME`) answers with text as a stream output: exercises are
/// checked in the kernel against the lesson installed with attn.
public final class Server {
  public let session: Session
  /// Finds the lesson `:lesson NAME` names: the lesson, and the files its
  /// cells (and its exercises' reference sessions) may use.
  public typealias LessonFinder = (String) -> Result<(notebook: Notebook, files: FileAccess), NotebookExerciseError>
  let findLesson: LessonFinder?
  /// The exercises of the lesson `:lesson` named.
  var exercises: NotebookExercises?
  /// Where solved exercises and revealed solutions are recorded, as the
  /// prompt records them (``ProgressStore``); nil records nothing.
  let progressPath: String?

  public init(session: Session, findLesson: LessonFinder? = nil, progressPath: String? = nil) {
    self.session = session
    self.findLesson = findLesson
    self.progressPath = progressPath
  }

  /// Serves standard input until it ends.
  public func run() {
    var input = RequestLines { buffer in read(STDIN_FILENO, &buffer, buffer.count) }
    while let line = input.next() {
      if let response = respond(to: line) { Server.write(response) }
    }
  }

  /// The response to one line of input (nil for a blank line).
  public func respond(to input: RequestLines.Line) -> [String: Any]? {
    guard case .text(let line) = input else {
      return [
        "id": NSNull(), "status": "error",
        "error": ["message": "a request line is longer than \(RequestLines.maximumBytes >> 20) MB", "text": ""],
      ]
    }
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    var response: [String: Any]
    var id: Any = NSNull()
    if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)), let request = object as? [String: Any] {
      id = request["id"] ?? NSNull()
      response = handle(request)
    } else {
      response = ["status": "error", "error": ["message": "a request is one JSON object per line", "text": ""]]
    }
    response["id"] = id
    return response
  }

  public func handle(_ request: [String: Any]) -> [String: Any] {
    if let code = request["execute"] as? String { return execute(code) }
    if let code = request["complete"] as? String { return complete(code, cursor: Server.cursor(request, in: code)) }
    if let code = request["inspect"] as? String { return inspect(code, cursor: Server.cursor(request, in: code)) }
    if let code = request["is_complete"] as? String {
      let program = Session.parse(SourceFile(name: "cell", text: code))
      return ["status": program.isIncomplete ? "incomplete" : "complete"]
    }
    return [
      "status": "error",
      "error": ["message": "unknown request: expected execute, complete, inspect or is_complete", "text": ""],
    ]
  }

  func execute(_ code: String) -> [String: Any] {
    if let command = NotebookCommand.parse(code) { return run(command) }
    let formatter = ValueFormatter(options: session.options.display)
    var outputs: [[String: Any]] = []
    do {
      try session.execute(SourceFile(name: "cell", text: code)) { output in
        if output.isPrint {
          outputs.append(["type": "stream", "text": formatter.format(output.value)])
          return
        }
        var item: [String: Any] = ["type": "value", "text": formatter.format(output.value)]
        // The data goes along for values of a reasonable size; a big one is shown, not shipped.
        if output.value.elementCount(upTo: Server.maximumValueElements) <= Server.maximumValueElements,
          let json = try? JSONSerialization.jsonObject(with: Data(JSONEncoding.encode(output.value).utf8))
        {
          item["value"] = json
        }
        let rich = NotebookJupyter.rich(output.value)
        if let svg = rich.svg { item["svg"] = svg }
        if let html = rich.html { item["html"] = html }
        outputs.append(item)
      }
      return ["status": "ok", "outputs": outputs]
    } catch {
      let text = DiagnosticRenderer(useColor: false, showsLocation: true).render(error)
      return [
        "status": "error", "outputs": outputs,
        "error": ["message": error.items.first?.message ?? "error", "text": text],
      ]
    }
  }

  /// A notebook command's answer: text as a stream output, or an error.
  func run(_ command: NotebookCommand) -> [String: Any] {
    switch command {
    case .lesson(let name): return useLesson(name)
    case .check(let name):
      return withExercise(name) { exercises, exercise in
        let checked = exercises.check(exercise, student: session)
        if checked.passed { recordProgress { $0.markSolved(exercise.name, in: exercises.notebook.path) } }
        return Server.say(checked.text)
      }
    case .hint(let name):
      return withExercise(name) { exercises, exercise in Server.say(exercises.hint(exercise)) }
    case .solution(let name):
      return withExercise(name) { exercises, exercise in
        let inputs = exercises.solution(exercise)
        recordProgress { $0.markRevealed(exercise.name, in: exercises.notebook.path) }
        var response = execute(inputs.joined(separator: "\n"))
        let shown: [String: Any] = [
          "type": "stream", "text": "solution of \(exercise.name):\n" + inputs.joined(separator: "\n"),
        ]
        response["outputs"] = [shown] + ((response["outputs"] as? [[String: Any]]) ?? [])
        return response
      }
    }
  }

  /// `:lesson NAME`: this notebook follows that lesson — its exercises, and its files.
  func useLesson(_ name: String) -> [String: Any] {
    guard !name.isEmpty else { return Server.fail(":lesson needs the lesson's name or number, such as :lesson 3") }
    guard let findLesson else { return Server.fail(":lesson is not available here") }
    switch findLesson(name) {
    case .failure(let error): return Server.fail(error.message)
    case .success(let found):
      session.options.files = found.files
      var options = session.options
      options.display = options.display.plain
      exercises = NotebookExercises(notebook: found.notebook, referenceOptions: options)
      return Server.say(NotebookExercises.introduction(to: found.notebook))
    }
  }

  /// Runs `body` on the exercise `name` names (the last one named when empty), or says why there is none.
  func withExercise(
    _ name: String, _ body: (NotebookExercises, Exercise) -> [String: Any]
  ) -> [String: Any] {
    guard let exercises else {
      return Server.fail("which lesson? run :lesson NAME first (an exported lesson's first cell does)")
    }
    switch exercises.exercise(name) {
    case .failure(let error): return Server.fail(error.message)
    case .success(let exercise): return body(exercises, exercise)
    }
  }

  /// Records a change of progress; a store that cannot be written is not
  /// the student's problem in a notebook, so it is left as it was.
  func recordProgress(_ change: (inout ProgressStore) -> Void) {
    guard let progressPath else { return }
    var store = ProgressStore(path: progressPath)
    change(&store)
    try? store.save()
  }

  /// A response of one line of text.
  static func say(_ text: String) -> [String: Any] {
    ["status": "ok", "outputs": [["type": "stream", "text": text]]]
  }

  /// An error response.
  static func fail(_ message: String) -> [String: Any] {
    ["status": "error", "outputs": [] as [Any], "error": ["message": message, "text": "error: " + message]]
  }

  /// The request's cursor as an offset in Characters: Jupyter counts Unicode
  /// code points (a combining mark or an emoji's parts each count), clamped
  /// to the code; no cursor is the end.
  static func cursor(_ request: [String: Any], in code: String) -> Int {
    let scalars = code.unicodeScalars
    let points = min(max((request["cursor"] as? Int) ?? scalars.count, 0), scalars.count)
    return String(String.UnicodeScalarView(scalars.prefix(points))).count
  }

  /// A Character offset in `code` as Jupyter's code-point offset.
  static func codePoints(_ characters: Int, in code: String) -> Int {
    String(code.prefix(characters)).unicodeScalars.count
  }

  func complete(_ code: String, cursor: Int) -> [String: Any] {
    let before = String(code.prefix(cursor))
    let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
    let line = String(before[lineStart...])
    let prefix = String(line.reversed().prefix { !Completion.wordBreaks.contains($0) }.reversed())
    let wordStart = line.count - prefix.count
    let matches = Completion.candidates(line: line, wordStart: wordStart, prefix: prefix, session: session)
    return [
      "status": "ok", "matches": matches, "start": Server.codePoints(cursor - prefix.count, in: code),
      "end": Server.codePoints(cursor, in: code),
    ]
  }

  func inspect(_ code: String, cursor: Int) -> [String: Any] {
    let characters = Array(code)
    let at = min(max(cursor, 0), characters.count)
    func isName(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
    var start = at
    while start > 0, isName(characters[start - 1]) { start -= 1 }
    var end = at
    while end < characters.count, isName(characters[end]) { end += 1 }
    // The word at the cursor, else the call the cursor is inside (Shift-Tab in `softmax(x|`).
    var names = [String(characters[start..<end])]
    if let call = Completion.enclosingCall(String(characters[0..<at])) { names.append(call) }
    for name in names where !name.isEmpty {
      if case .text(let text)? = try? session.probe(
        SourceFile(name: "inspect", text: "help(\(JSONEncoding.string(name)))")
      ).first {
        return ["status": "ok", "found": true, "name": name, "text": text]
      }
    }
    return ["status": "ok", "found": false]
  }

  /// The most elements a value's data may have to be sent along with its text.
  static let maximumValueElements = 100_000

  /// Writes one response line.
  public static func write(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else {
      return
    }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }
}

/// Request lines from a byte source, read with `read(2)`-like calls so that
/// a SIGINT arriving between requests does not end the input. Only bytes
/// not yet searched are searched for the newline, so a long line costs time
/// linear in its length; a line longer than ``maximumBytes`` is skipped (not kept).
public struct RequestLines {
  /// The longest request line kept.
  public static let maximumBytes = 64 << 20

  public enum Line {
    case text(String)
    /// A line longer than ``RequestLines/maximumBytes``, skipped.
    case tooLong
  }

  /// Fills the buffer, returning how many bytes it read (0 at the end, < 0 on an error).
  let read: (inout [UInt8]) -> Int
  /// Bytes read past the last line returned, how many of them were already
  /// searched for a newline, and whether they belong to a line too long to keep.
  var pending: [UInt8] = []
  var searched = 0
  var skipping = false

  public init(read: @escaping (inout [UInt8]) -> Int) { self.read = read }

  /// The next line; nil at the end of the input.
  public mutating func next() -> Line? {
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      if let newline = pending[searched...].firstIndex(of: UInt8(ascii: "\n")) {
        let tooLong = skipping || newline > RequestLines.maximumBytes
        let line = tooLong ? "" : String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        searched = 0
        skipping = false
        return tooLong ? .tooLong : .text(line)
      }
      searched = pending.count
      if pending.count > RequestLines.maximumBytes {
        // Keep reading to the line's end, without keeping it.
        skipping = true
        pending.removeAll(keepingCapacity: true)
        searched = 0
      }
      let count = read(&chunk)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 {
        defer {
          pending.removeAll()
          skipping = false
        }
        if skipping { return .tooLong }
        return pending.isEmpty ? nil : .text(String(decoding: pending, as: UTF8.self))
      }
      pending += chunk[0..<count]
    }
  }
}
