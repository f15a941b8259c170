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
struct Server {
  let session: Session

  func run() {
    while let line = Server.readLine() {
      guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
      var response: [String: Any]
      var id: Any = NSNull()
      if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)), let request = object as? [String: Any] {
        id = request["id"] ?? NSNull()
        response = handle(request)
      } else {
        response = ["status": "error", "error": ["message": "a request is one JSON object per line", "text": ""]]
      }
      response["id"] = id
      Server.write(response)
    }
  }

  func handle(_ request: [String: Any]) -> [String: Any] {
    let cursor = request["cursor"] as? Int
    if let code = request["execute"] as? String { return execute(code) }
    if let code = request["complete"] as? String { return complete(code, cursor: cursor ?? code.count) }
    if let code = request["inspect"] as? String { return inspect(code, cursor: cursor ?? code.count) }
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
    let formatter = ValueFormatter(options: session.options.display)
    var outputs: [[String: Any]] = []
    do {
      try session.execute(SourceFile(name: "cell", text: code)) { output in
        if output.isPrint {
          outputs.append(["type": "stream", "text": formatter.format(output.value)])
          return
        }
        var item: [String: Any] = ["type": "value", "text": formatter.format(output.value)]
        if let json = try? JSONSerialization.jsonObject(with: Data(JSONEncoding.encode(output.value).utf8)) {
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

  func complete(_ code: String, cursor: Int) -> [String: Any] {
    let before = String(code.prefix(cursor))
    let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
    let line = String(before[lineStart...])
    let prefix = String(line.reversed().prefix { !Completion.wordBreaks.contains($0) }.reversed())
    let wordStart = line.count - prefix.count
    let matches = Completion.candidates(line: line, wordStart: wordStart, prefix: prefix, session: session)
    return ["status": "ok", "matches": matches, "start": cursor - prefix.count, "end": cursor]
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

  /// A line of standard input (nil at its end), read with `read(2)` so that
  /// a SIGINT arriving between requests does not end the input.
  static func readLine() -> String? {
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return line
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let count = read(STDIN_FILENO, &chunk, chunk.count)
      if count < 0 && errno == EINTR { continue }
      if count <= 0 {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
      }
      pending += chunk[0..<count]
    }
  }

  /// Bytes read past the last line returned.
  nonisolated(unsafe) static var pending: [UInt8] = []

  static func write(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]) else {
      return
    }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
  }
}
