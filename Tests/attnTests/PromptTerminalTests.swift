import Foundation
import Testing
import _TestSupport

/// Drives the real `attn` prompt through a pseudo-terminal, as a student would.
@Suite(.serialized) struct PromptTerminalTests {
  func start(history: String) throws -> PseudoTerminal {
    let environment = [
      "TERM": "xterm-256color", "HOME": NSTemporaryDirectory(), "ATTN_HISTORY": history, "NO_COLOR": "1",
      "LANG": "C.UTF-8",
    ]
    let terminal = try PseudoTerminal(executable: AttnProcess.executable.path, environment: environment)
    #expect(terminal.waitFor("attn> "), "no prompt: \(terminal.transcript)")
    return terminal
  }

  @Test func typeRecallCompleteCancelAndQuit() throws {
    let directory = try makeTemporaryDirectory()
    let history = directory.appendingPathComponent("history").path
    let terminal = try start(history: history)

    var mark = terminal.transcript.count
    terminal.send("x = softmax([1, 2, 3])\r")
    #expect(terminal.waitFor("attn> ", after: mark + 10))
    mark = terminal.transcript.count
    terminal.send("x\r")
    #expect(terminal.waitFor("[0.0900, 0.2447, 0.6652]", after: mark), "\(terminal.transcript)")

    // Up recalls the previous line.
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("\u{1B}[A\r")
    #expect(terminal.waitFor("[0.0900, 0.2447, 0.6652]", after: mark), "\(terminal.transcript)")

    // Tab completes a builtin and opens its call.
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("softm\t")
    #expect(terminal.waitFor("ax(", after: mark), "\(terminal.transcript)")
    terminal.send("[0, 0])\r")
    #expect(terminal.waitFor("[0.5000, 0.5000]", after: mark), "\(terminal.transcript)")

    // Ctrl-C discards the line; the session goes on with its variables.
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("this is not finished")
    #expect(terminal.waitFor("finished", after: mark))
    mark = terminal.transcript.count
    terminal.send("\u{03}")
    #expect(terminal.waitFor("attn> ", after: mark), "\(terminal.transcript)")
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("sum(x)\r")
    #expect(terminal.waitFor("1.0000", after: mark), "\(terminal.transcript)")
    #expect(!terminal.transcript.contains("this is not finished\r\nerror"))

    // Open brackets continue on the next line.
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("attend([1, 0],\r")
    #expect(terminal.waitFor("...> ", after: mark))
    terminal.send("eye(2)).weights\r")
    #expect(terminal.waitFor("[0.7311, 0.2689]", after: mark), "\(terminal.transcript)")

    // An error keeps every variable.
    mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("dot(x, [1, 2])\r")
    #expect(terminal.waitFor("dot: last axes differ: [3] vs [2]", after: mark))
    terminal.send("x\r")
    #expect(terminal.waitFor("[0.0900, 0.2447, 0.6652]", after: mark))

    // Ctrl-D on an empty line exits with status 0 and saves the history.
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0, "\(terminal.transcript)")
    let saved = try String(contentsOfFile: history, encoding: .utf8)
    #expect(saved.contains("softmax"))
  }

  @Test func historyIsKeptAcrossSessions() throws {
    let directory = try makeTemporaryDirectory()
    let history = directory.appendingPathComponent("state/attn/history").path
    let first = try start(history: history)
    let typed = first.transcript.count
    first.send("y = 41 + 1\r")
    #expect(first.waitFor("y = 41 + 1\r\n", after: typed))
    #expect(first.waitForPrompt())
    first.send("\u{04}")
    #expect(first.waitForExit() == 0)

    let second = try start(history: history)
    let mark = second.transcript.count
    #expect(second.waitForPrompt())
    second.send("\u{1B}[A\r")
    second.send("y\r")
    #expect(second.waitFor("42", after: mark), "\(second.transcript)")
    #expect(second.waitForPrompt())
    second.send("\u{04}")
    #expect(second.waitForExit() == 0)
  }

  @Test func ctrlCInterruptsALongComputationAndKeepsVariables() throws {
    let terminal = try start(history: "")
    var mark = terminal.transcript.count
    terminal.send("X = randn(3000, 3000, seed: 1)\r")
    #expect(terminal.waitFor("X = randn", after: mark))
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("Y = X @ X @ X\r")
    #expect(terminal.waitFor("Y = X @ X @ X\r\n", after: mark))
    usleep(300_000)
    terminal.send("\u{03}")
    #expect(terminal.waitFor("error: interrupted", after: mark, timeout: 20), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("shape(X)\r")
    #expect(terminal.waitFor("[3000, 3000]", after: mark))
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }

  /// A progress loop draws a bar on the terminal; Ctrl-C ends it after the
  /// step in progress, says where, and keeps what the steps did.
  @Test func ctrlCEndsATrainingLoopKeepingItsSteps() throws {
    let terminal = try start(history: "")
    var mark = terminal.transcript.count
    terminal.send("w = 0\r")
    #expect(terminal.waitForPrompt())
    terminal.send("for step in progress(range(1000000), show: \"w\") { w += 1; x = softmax(randn(200, seed: step)) }\r")
    #expect(terminal.waitFor("steps/s", after: mark, timeout: 20), "a bar is drawn: \(terminal.transcript)")
    usleep(300_000)
    terminal.send("\u{03}")
    #expect(
      terminal.waitFor("(Ctrl-C) after", after: mark, timeout: 20), "\(terminal.transcript)")
    #expect(terminal.waitFor("; the variables keep what the", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitFor("w ", after: mark), "the shown variable is labeled: \(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("w == step + 1 and w > 1\r")
    #expect(terminal.waitFor("\r\n1\r\n", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }

  /// Tab completes a record's fields after `.` (twice lists them), names
  /// after an operator, and named arguments inside a call.
  @Test func tabCompletesFieldsAfterADotAndNamesAfterOperators() throws {
    let terminal = try start(history: "")
    terminal.send("r = attend([1, 0], eye(2))\r")
    #expect(terminal.waitForPrompt())
    var mark = terminal.transcript.count
    terminal.send("r.wei\t")
    #expect(terminal.waitFor("ghts", after: mark), "\(terminal.transcript)")
    terminal.send("\r")
    #expect(terminal.waitFor("[0.7311, 0.2689]", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("2+entr\t")
    #expect(terminal.waitFor("opy(", after: mark), "\(terminal.transcript)")
    terminal.send("[0.5, 0.5])\r")
    #expect(terminal.waitFor("2.6931", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("r.\t\t")
    #expect(terminal.waitFor("output  scores  weights", after: mark), "\(terminal.transcript)")
    terminal.send("\u{03}")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("softmax([1, 2], tempe\t")
    #expect(terminal.waitFor("rature: ", after: mark), "\(terminal.transcript)")
    terminal.send("2)\r")
    #expect(terminal.waitFor("[0.3775, 0.6225]", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }

  /// Ctrl-C in a plain loop keeps the iterations it completed (a training
  /// run keeps its parameters), undoes the one interrupted, and says so.
  @Test func ctrlCInAPlainLoopKeepsTheCompletedIterations() throws {
    let terminal = try start(history: "")
    var mark = terminal.transcript.count
    terminal.send("k = 0; for i in range(100000000) { k += 1 }\r")
    #expect(terminal.waitFor("range(100000000) { k += 1 }\r\n", after: mark))
    usleep(500_000)
    terminal.send("\u{03}")
    #expect(terminal.waitFor("the one interrupted was undone", after: mark, timeout: 20), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    mark = terminal.transcript.count
    terminal.send("k > 0 and k == i + 1\r")
    #expect(terminal.waitFor("\r\n1\r\n", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }

  /// Ctrl-R finds an earlier line: re-running `a = 41` after `a = 0` is
  /// visible in `a + 1` (typing the search text instead would be an error).
  @Test func ctrlRSearchesHistory() throws {
    let terminal = try start(history: "")
    terminal.send("a = 41\r")
    #expect(terminal.waitFor("a = 41\r\n"))
    #expect(terminal.waitForPrompt())
    terminal.send("a = 0\r")
    #expect(terminal.waitFor("a = 0\r\n"))
    #expect(terminal.waitForPrompt())
    terminal.send("\u{12}")
    usleep(100_000)
    terminal.send("= 41")
    usleep(100_000)
    terminal.send("\r")
    #expect(terminal.waitForPrompt())
    let mark = terminal.transcript.count
    terminal.send("a + 1\r")
    #expect(terminal.waitFor("42", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }

  @Test func utf8LabelsSurvive() throws {
    let terminal = try start(history: "")
    let mark = terminal.transcript.count
    #expect(terminal.waitForPrompt())
    terminal.send("[\"über\", \"chat\"]\r")
    #expect(terminal.waitFor("\r\nlist(\"über\", \"chat\")\r\n", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0, "\(terminal.transcript)")
  }
}

/// Walking through a lesson in a real terminal.
@Suite(.serialized) struct LessonWalkthroughTests {
  @Test func enterRunsTheOfferedInputAndChecksIt() throws {
    let lessons = AttnProcess.packageRoot.appendingPathComponent("lessons").path
    let environment = [
      "TERM": "xterm-256color", "HOME": NSTemporaryDirectory(), "ATTN_HISTORY": "", "NO_COLOR": "1",
      "LANG": "C.UTF-8", "ATTN_LESSONS": lessons,
    ]
    let terminal = try PseudoTerminal(
      executable: AttnProcess.executable.path, arguments: ["lesson", "1"], environment: environment)
    #expect(terminal.waitFor("cell 1/"), "\(terminal.transcript)")
    #expect(terminal.waitFor("attn> scores = [2, 1, 0.1]"), "\(terminal.transcript)")
    terminal.send("\r")
    #expect(terminal.waitFor("attn> p = softmax(scores)"), "\(terminal.transcript)")
    terminal.send("\r")
    #expect(terminal.waitFor("attn> p"))
    var mark = terminal.transcript.count
    terminal.send("\r")
    #expect(terminal.waitFor("[0.6590, 0.2424, 0.0986]", after: mark))
    #expect(terminal.waitFor("✓ same as the lesson", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt("sum(p)"))

    // Editing the offered line makes it the student's own command: it runs,
    // and the lesson offers its input again.
    mark = terminal.transcript.count
    terminal.send("\u{15}2 * p\r")
    #expect(terminal.waitFor("[1.3180, 0.4849, 0.1971]", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt("sum(p)"))

    // :next skips to the next cell, :quit leaves the lesson but keeps p.
    mark = terminal.transcript.count
    terminal.send("\u{15}:next\r")
    #expect(terminal.waitFor("cell 2/", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt("softmax(scores + 100)"))
    mark = terminal.transcript.count
    terminal.send("\u{15}:quit\r")
    #expect(terminal.waitFor("left the lesson", after: mark))
    #expect(terminal.waitForPrompt())
    terminal.send("p\r")
    #expect(terminal.waitFor("[0.6590, 0.2424, 0.0986]", after: mark))
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }
}

/// The history file is the user's: read only when it is a regular file
/// attn can read (never a device, FIFO or another program's file, which is
/// then left untouched), written back keeping its mode and through a link.
@Suite(.serialized) struct HistoryFileTests {
  func session(history: String, typing: String = "x = 1\r") throws -> String {
    let environment = [
      "TERM": "xterm-256color", "HOME": NSTemporaryDirectory(), "ATTN_HISTORY": history, "NO_COLOR": "1",
      "LANG": "C.UTF-8",
    ]
    let terminal = try PseudoTerminal(executable: AttnProcess.executable.path, environment: environment)
    #expect(terminal.waitForPrompt(), "\(terminal.transcript)")
    terminal.send(typing)
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0, "\(terminal.transcript)")
    return terminal.transcript
  }

  @Test func anotherProgramsFileIsLeftAsItIs() throws {
    let directory = try makeTemporaryDirectory()
    let foreign = directory.appendingPathComponent("foreign")
    try "not a libedit history\n".write(to: foreign, atomically: true, encoding: .utf8)
    chmod(foreign.path, 0o640)
    let shown = try session(history: foreign.path)
    #expect(shown.contains("history is not kept"), "\(shown)")
    #expect(try String(contentsOf: foreign, encoding: .utf8) == "not a libedit history\n")
    let mode = (try FileManager.default.attributesOfItem(atPath: foreign.path)[.posixPermissions] as? Int) ?? 0
    #expect(mode == 0o640)
  }

  @Test func devicesAndFIFOsAreNeitherReadNorReplaced() throws {
    let directory = try makeTemporaryDirectory()
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let started = Date()
    #expect(try session(history: fifo).contains("it is not a regular file"))
    #expect(try session(history: "/dev/zero").contains("it is not a regular file"))
    #expect(Date().timeIntervalSince(started) < 20, "neither hangs nor fills memory")
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
  }

  @Test func aLinkedHistoryIsWrittenThroughKeepingItsMode() throws {
    let directory = try makeTemporaryDirectory()
    let real = directory.appendingPathComponent("real")
    let link = directory.appendingPathComponent("link")
    _ = try session(history: real.path, typing: "first = 1\r")
    chmod(real.path, 0o600)
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real")
    _ = try session(history: link.path, typing: "second = 2\r")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real")
    let saved = try String(contentsOf: real, encoding: .utf8)
    #expect(saved.contains("first") && saved.contains("second"), "\(saved)")
    let mode = (try FileManager.default.attributesOfItem(atPath: real.path)[.posixPermissions] as? Int) ?? 0
    #expect(mode == 0o600)
  }
}

/// The terminal shows text, not commands: control characters in strings,
/// printed text, labels, messages and a lesson's prose arrive as escapes;
/// attn's own colors stay.
@Suite(.serialized) struct TerminalControlTests {
  @Test func controlCharactersFromUsersAndFilesAreEscapes() throws {
    let directory = try makeTemporaryDirectory()
    let lesson = directory.appendingPathComponent("evil.md")
    try "# Evil\u{1B}]0;owned\u{07}\n\nClear \u{1B}[2J the screen.\n\n```attn\nattn> 1\n1\n```\n".write(
      to: lesson, atomically: true, encoding: .utf8)
    let environment = [
      "TERM": "xterm-256color", "HOME": directory.path, "ATTN_HISTORY": "", "LANG": "C.UTF-8",
      "XDG_STATE_HOME": directory.path,
    ]
    let terminal = try PseudoTerminal(
      executable: AttnProcess.executable.path, arguments: ["lesson", lesson.path], environment: environment)
    #expect(terminal.waitFor("attn> 1"), "\(terminal.transcript)")
    #expect(terminal.transcript.contains("Clear \\u{1B}[2J the screen."), "\(terminal.transcript)")
    #expect(!terminal.transcript.contains("\u{1B}[2J"), "the prose cleared the screen")
    #expect(!terminal.transcript.contains("\u{1B}]0;"), "the title set the window's")
    var mark = terminal.transcript.count
    terminal.send("\u{15}x = \"a\\u{1B}[2Jb\"\r")
    #expect(terminal.waitForPrompt("1"))
    terminal.send("\u{15}print(x)\r")
    #expect(terminal.waitFor("a\\u{1B}[2Jb\r\n", after: mark), "\(terminal.transcript)")
    #expect(terminal.waitForPrompt("1"))
    mark = terminal.transcript.count
    terminal.send("\u{15}nope(x)\r")
    #expect(terminal.waitFor("error", after: mark))
    #expect(terminal.waitForPrompt("1"))
    #expect(!terminal.transcript.contains("a\u{1B}[2Jb"), "\(terminal.transcript)")
    #expect(terminal.transcript.contains("\u{1B}[1;31merror:"), "attn's own colors stay")
    terminal.send("\u{15}:quit\r")
    #expect(terminal.waitForPrompt())
    terminal.send("\u{04}")
    #expect(terminal.waitForExit() == 0)
  }
}
