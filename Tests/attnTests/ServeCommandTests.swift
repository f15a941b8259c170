import Foundation
import Testing
import _TestSupport

/// `attn serve --stdio`, the machine mode the Jupyter kernel speaks.
@Suite struct ServeCommandTests {
  func responses(_ requests: [String], environment: [String: String] = [:]) throws -> [[String: Any]] {
    let result = try AttnProcess.run(
      ["serve", "--stdio"], input: requests.joined(separator: "\n") + "\n", environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  @Test func executeCompleteInspectAndIsComplete() throws {
    let replies = try responses([
      #"{"id": 1, "execute": "x = softmax([1, 2])\nx\nprint(\"hi\")"}"#,
      #"{"id": 2, "complete": "y = sof", "cursor": 7}"#,
      #"{"id": 3, "inspect": "softmax(x", "cursor": 9}"#,
      #"{"id": 4, "is_complete": "def f(x) {"}"#,
      #"{"id": 5, "is_complete": "x + 1"}"#,
      #"{"id": "six", "execute": "heatmap(eye(2))"}"#,
    ])
    #expect(replies.count == 6)
    #expect(replies[0]["id"] as? Int == 1 && replies[0]["status"] as? String == "ok")
    let outputs = try #require(replies[0]["outputs"] as? [[String: Any]])
    #expect(outputs.count == 2)
    #expect(outputs[0]["text"] as? String == "[0.2689, 0.7311]")
    #expect((outputs[0]["value"] as? [String: Any])?["type"] as? String == "tensor")
    #expect(outputs[1]["type"] as? String == "stream" && outputs[1]["text"] as? String == "hi")
    #expect(replies[1]["matches"] as? [String] == ["softmax"])
    #expect(replies[1]["start"] as? Int == 4 && replies[1]["end"] as? Int == 7)
    #expect(replies[2]["found"] as? Bool == true && replies[2]["name"] as? String == "softmax")
    #expect((replies[2]["text"] as? String)?.hasPrefix("softmax(x, axis: -1, temperature: 1)") == true)
    #expect(replies[3]["status"] as? String == "incomplete")
    #expect(replies[4]["status"] as? String == "complete")
    #expect(replies[5]["id"] as? String == "six")
    let picture = try #require((replies[5]["outputs"] as? [[String: Any]])?.first)
    #expect((picture["svg"] as? String)?.hasPrefix("<svg") == true)
  }

  @Test func errorsAndMalformedRequestsGetAnswers() throws {
    let replies = try responses([
      #"{"id": 1, "execute": "y = z"}"#, "not json", #"{"id": 2, "frobnicate": 1}"#, #"{"id": 3, "execute": "1 + 1"}"#,
    ])
    #expect(replies.count == 4)
    let error = try #require(replies[0]["error"] as? [String: Any])
    #expect(replies[0]["status"] as? String == "error")
    #expect(error["message"] as? String == "unknown name 'z'")
    #expect((error["text"] as? String)?.contains("cell:1:5: error: unknown name 'z'") == true)
    #expect((replies[1]["error"] as? [String: Any])?["message"] as? String == "a request is one JSON object per line")
    #expect(replies[2]["status"] as? String == "error")
    #expect(((replies[3]["outputs"] as? [[String: Any]])?.first?["text"]) as? String == "2", "it goes on")
  }

  /// SIGINT stops the running request, the variables stay, and the server goes on.
  @Test func anInterruptStopsTheRunningRequestOnly() throws {
    let process = Process()
    process.executableURL = AttnProcess.executable
    process.arguments = ["serve", "--stdio"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    func send(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
    var buffer = Data()
    func receive() -> [String: Any]? {
      while !buffer.contains(UInt8(ascii: "\n")) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { return nil }
        buffer.append(chunk)
      }
      let newline = buffer.firstIndex(of: UInt8(ascii: "\n"))!
      let line = buffer[..<newline]
      buffer = Data(buffer[(newline + 1)...])
      return try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
    }
    send(#"{"id": 1, "execute": "x = 41"}"#)
    #expect(receive()?["status"] as? String == "ok")
    send(#"{"id": 2, "execute": "A = randn(1200, 1200, seed: 1)\nwhile true { B = A @ A }"}"#)
    Thread.sleep(forTimeInterval: 1)
    kill(process.processIdentifier, SIGINT)
    let stopped = receive()
    #expect(stopped?["id"] as? Int == 2)
    #expect((stopped?["error"] as? [String: Any])?["message"] as? String == "interrupted")
    // An interrupt between requests does not end the server either.
    kill(process.processIdentifier, SIGINT)
    Thread.sleep(forTimeInterval: 0.2)
    send(#"{"id": 3, "execute": "x + 1"}"#)
    let after = receive()
    #expect(((after?["outputs"] as? [[String: Any]])?.first?["text"]) as? String == "42")
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }

  @Test func withoutStdioItIsAUsageError() throws {
    let result = try AttnProcess.run(["serve"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("attn serve needs --stdio"))
  }

  @Test func jupyterInstallWritesAKernelSpec() throws {
    let prefix = try makeTemporaryDirectory()
    let result = try AttnProcess.run(["jupyter", "install", "--prefix", prefix.path])
    #expect(result.status == 0, "\(result.stderr)")
    let directory = prefix.appendingPathComponent("share/jupyter/kernels/attn")
    let spec = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("kernel.json")))
        as? [String: Any])
    #expect(spec["argv"] as? [String] == ["python3", "{resource_dir}/attn_kernel.py", "-f", "{connection_file}"])
    #expect(spec["language"] as? String == "attn")
    #expect(spec["interrupt_mode"] as? String == "message")
    let binary = (spec["env"] as? [String: String])?["ATTN_BINARY"]
    #expect(binary.map { FileManager.default.isExecutableFile(atPath: $0) } == true)
    let kernel = try String(contentsOf: directory.appendingPathComponent("attn_kernel.py"), encoding: .utf8)
    #expect(kernel.contains("class AttnKernel(Kernel):"))
    #expect(try AttnProcess.run(["jupyter", "install", "--user", "--prefix", prefix.path]).status == 2)
  }

  /// With no home, an empty prefix or a file for a prefix, nothing is
  /// installed under `/` or half made: a usage error (status 2) says why.
  @Test func jupyterInstallRefusesWhereThereIsNoPlaceToInstall() throws {
    let noHome = try AttnProcess.run(
      ["jupyter", "install"], environment: ["HOME": "", "JUPYTER_DATA_DIR": "", "XDG_DATA_HOME": ""])
    #expect(noHome.status == 2)
    #expect(noHome.stderr.contains("there is no home directory (HOME is '')"), "\(noHome.stderr)")
    #expect(noHome.stderr.contains("give --prefix DIR"))
    #expect(!FileManager.default.fileExists(atPath: "/.local/share/jupyter/kernels/attn"))
    let empty = try AttnProcess.run(["jupyter", "install", "--prefix", ""])
    #expect(empty.status == 2)
    #expect(empty.stderr.contains("--prefix needs a directory (it is empty)"), "\(empty.stderr)")
    let directory = try makeTemporaryDirectory()
    let file = directory.appendingPathComponent("notes.txt")
    try "mine\n".write(to: file, atomically: true, encoding: .utf8)
    let onFile = try AttnProcess.run(["jupyter", "install", "--prefix", file.path])
    #expect(onFile.status == 2)
    #expect(onFile.stderr.contains("'\(file.path)' is a file, not a directory"), "\(onFile.stderr)")
    #expect(!onFile.stderr.contains("NSCocoaErrorDomain"))
    #expect(try String(contentsOf: file, encoding: .utf8) == "mine\n")
  }

  @Test func exportWritesAValidNotebook() throws {
    let directory = try makeTemporaryDirectory()
    let output = directory.appendingPathComponent("lesson.ipynb")
    let lesson = AttnProcess.packageRoot.appendingPathComponent("lessons/01-softmax.md")
    let result = try AttnProcess.run(["export", lesson.path, "--ipynb", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    let notebook = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
    #expect(notebook["nbformat"] as? Int == 4)
    let kernel = (notebook["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any]
    #expect(kernel?["name"] as? String == "attn")
    let cells = try #require(notebook["cells"] as? [[String: Any]])
    let code = cells.filter { $0["cell_type"] as? String == "code" }
    // The :lesson cell, 9 lesson cells, and an answer and a check cell per exercise.
    #expect(code.count == 1 + 9 + 2 * 2)
    #expect(code.first?["source"] as? String == ":lesson 01-softmax")
    let first = try #require(code.dropFirst().first?["outputs"] as? [[String: Any]])
    #expect(((first.first?["data"] as? [String: Any])?["text/plain"]) as? String == "[0.6590, 0.2424, 0.0986]")
    func tagged(_ tag: String) -> Int {
      code.filter { (($0["metadata"] as? [String: Any])?["tags"] as? [String]) == [tag] }.count
    }
    #expect(tagged("answer") == 2 && tagged("check") == 2, "exercises are the student's to answer")
    #expect(tagged("solution") == 0)
    #expect(try AttnProcess.run(["export", lesson.path]).status == 2)
  }

  /// A notebook exported from a lesson checks its exercises in the kernel:
  /// `:lesson` names the lesson, `check("NAME")` judges the answer against
  /// the lesson's hidden checks, `:hint` and `:solution` help.
  @Test func exercisesCheckInTheKernel() throws {
    func execute(_ id: Int, _ code: String) -> String {
      let object: [String: Any] = ["id": id, "execute": code]
      let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
      return String(decoding: data, as: UTF8.self)
    }
    let state = try makeTemporaryDirectory()
    let replies = try responses(
      [
        execute(1, "check(\"pick-the-diagonal\")"),
        execute(2, ":lesson 3"),
        execute(3, "U = [[1, 0], [0, 1], [0.7, 0.7], [-1, 0]]\nq3 = [1, 1]"),
        execute(4, "check(\"pick-the-diagonal\")"),
        execute(5, ":hint"),
        execute(6, "q3 = 5 * [1, 1]"),
        execute(7, ":check pick-the-diagonal"),
        execute(8, ":solution weighted-average"),
        execute(9, "check(\"weighted-average\")"),
        execute(10, ":check thrice"),
        execute(11, ":lesson no-such-lesson"),
      ], environment: ["XDG_STATE_HOME": state.path])
    #expect(replies.count == 11)
    func text(_ reply: [String: Any]) -> String {
      ((reply["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
    func error(_ reply: [String: Any]) -> String { (reply["error"] as? [String: Any])?["message"] as? String ?? "" }
    #expect(error(replies[0]).contains("which lesson? run :lesson NAME first"))
    #expect(text(replies[1]).contains("its exercises: pick-the-diagonal, weighted-average"), "\(replies[1])")
    #expect(text(replies[3]).hasPrefix("✗ pick-the-diagonal: not yet"), "\(replies[3])")
    #expect(text(replies[3]).contains("the third vector should get more than 70% of the weight"))
    #expect(text(replies[4]).hasPrefix("hint: A query scores highest"), "\(replies[4])")
    #expect(text(replies[6]) == "✓ pick-the-diagonal: passed every check", "\(replies[6])")
    #expect(text(replies[7]).hasPrefix("solution of weighted-average:\ndef average(w, U) {"), "\(replies[7])")
    #expect(text(replies[8]) == "✓ weighted-average: passed every check", "\(replies[8])")
    #expect(error(replies[9]).contains("has no exercise 'thrice'"))
    #expect(error(replies[10]).contains("no lesson 'no-such-lesson'"))
    // Progress is recorded as at the prompt: `attn lesson` shows it.
    let progress =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: state.appendingPathComponent("attn/progress.json"))) as? [String: Any]
    let lesson = progress?["03-selecting-a-vector.md"] as? [String: Any]
    #expect(lesson?["solved"] as? [String] == ["pick-the-diagonal", "weighted-average"])
    #expect(lesson?["revealed"] as? [String] == ["weighted-average"])
  }
}

/// The kernel's protocol under requests a client (or a bug) may send: it
/// answers every one and never dies.
@Suite struct ServeProtocolTests {
  func replies(_ input: String) throws -> (AttnProcess.Result, [[String: Any]]) {
    let result = try AttnProcess.run(["serve", "--stdio"], input: input)
    let objects = result.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    return (result, objects)
  }

  @Test func cursorsOutOfRangeAreClamped() throws {
    let (result, answers) = try replies(
      """
      {"id": 1, "complete": "soft", "cursor": -1}
      {"id": 2, "complete": "soft", "cursor": 99}
      {"id": 3, "inspect": "softmax", "cursor": -5}
      {"id": 4, "complete": "soft", "cursor": "x"}
      {"id": 5, "execute": "1 + 1"}

      """)
    #expect(!result.crashed, "\(result.stderr)")
    #expect(answers.count == 5)
    #expect(answers[0]["start"] as? Int == 0 && answers[0]["end"] as? Int == 0)
    #expect(answers[1]["matches"] as? [String] == ["softmax"] && answers[1]["end"] as? Int == 4)
    #expect(answers[3]["matches"] as? [String] == ["softmax"], "a cursor that is not a number is the end")
  }

  /// Jupyter counts the cursor in code points: a combining mark, a flag and
  /// a ZWJ sequence earlier in the cell do not shift completion.
  @Test func cursorsAreCodePoints() throws {
    for prefix in ["\"e\u{301}\"; ", "\"🇫🇷\"; ", "\"👩‍👩‍👧\"; "] {
      let code = prefix + "sof"
      let points = code.unicodeScalars.count
      let request = try JSONSerialization.data(withJSONObject: ["id": 1, "complete": code, "cursor": points])
      let (_, answers) = try replies(String(decoding: request, as: UTF8.self) + "\n")
      #expect(answers.first?["matches"] as? [String] == ["softmax"], "\(prefix)")
      #expect(answers.first?["start"] as? Int == points - 3 && answers.first?["end"] as? Int == points, "\(prefix)")
    }
  }

  /// A line past the limit is answered with an error and skipped; the next request is served.
  @Test func anOverlongLineIsRefusedAndTheServerGoesOn() throws {
    let long = String(repeating: "x", count: (64 << 20) + 10)
    let started = Date()
    let (result, answers) = try replies(long + "\n" + #"{"id": 2, "execute": "40 + 2"}"# + "\n")
    #expect(!result.crashed)
    #expect(Date().timeIntervalSince(started) < 60, "read in linear time")
    #expect(answers.count == 2)
    #expect((answers[0]["error"] as? [String: Any])?["message"] as? String == "a request line is longer than 64 MB")
    #expect(((answers[1]["outputs"] as? [[String: Any]])?.first?["text"]) as? String == "42")
  }

  /// A big value is shown as text; its data is not shipped with it.
  @Test func aBigValueIsShownNotShipped() throws {
    let (_, answers) = try replies(#"{"id": 1, "execute": "zeros(1000, 1000)"}"# + "\n")
    let output = try #require((answers.first?["outputs"] as? [[String: Any]])?.first)
    #expect((output["text"] as? String)?.hasPrefix("1000×1000 tensor") == true)
    #expect(output["value"] == nil)
  }
}
