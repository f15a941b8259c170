import Foundation
import Testing
import _TestSupport

@Suite struct RunCommandTests {
  let examples = AttnProcess.packageRoot.appendingPathComponent("Tests/attnTests/Examples")

  func path(_ name: String) -> String { examples.appendingPathComponent(name).path }

  @Test func printsValuesAndExitsZero() throws {
    let result = try AttnProcess.run(["run", path("good.attn")])
    #expect(result.status == 0)
    #expect(result.stdout == "[0.4223, 0.1554, 0.4223]\n[0.4223, 0.1554, 0.4223]\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func precisionOption() throws {
    let result = try AttnProcess.run(["run", "--precision", "2", "-"], input: "softmax([1, 2, 3])\n")
    #expect(result.stdout == "[0.09, 0.24, 0.67]\n")
  }

  @Test func errorsLookLikeTheCompilersAndExitOne() throws {
    let result = try AttnProcess.run(["run", path("bad.attn"), path("good.attn")])
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        \(path("bad.attn")):2:5: error: dot: last axes differ: [3] vs [2]
        y = dot(x, [1, 2])
            ^~~~~~~~~~~~~~

        """)
    #expect(result.stdout.contains("[0.4223, 0.1554, 0.4223]"), "the second file still runs")
  }

  @Test func jsonLines() throws {
    let result = try AttnProcess.run(["run", "--json", path("bad.attn"), path("good.attn")])
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    #expect(objects[0]["file"] as? String == path("bad.attn"))
    #expect(objects[0]["line"] as? Int == 2)
    #expect(objects[0]["column"] as? Int == 5)
    #expect(objects[0]["error"] as? String == "dot: last axes differ: [3] vs [2]")
    #expect(objects[1]["line"] as? Int == 4)
    let value = try #require(objects[1]["value"] as? [String: Any])
    #expect(value["type"] as? String == "tensor")
    #expect(value["shape"] as? [Int] == [3])
    let data = try #require(value["data"] as? [Double])
    #expect(abs(data[0] - 0.42231879825151825) < 1e-15)
    #expect(result.stderr.isEmpty)
  }

  @Test func jsonKeepsNonFiniteNumbersAsStrings() throws {
    let result = try AttnProcess.run(["run", "--json", "-"], input: "[inf, -inf, nan, 1]\n")
    #expect(
      result.stdout
        == #"{"file": "<stdin>", "line": 1, "value": {"type": "tensor", "shape": [4], "data": ["inf", "-inf", "nan", 1]}}"#
        + "\n")
  }

  @Test func withoutFilesRunReadsStandardInput() throws {
    let result = try AttnProcess.run(["run"], input: "softmax([0, 0])\n")
    #expect(result.status == 0)
    #expect(result.stdout == "[0.5000, 0.5000]\n")
  }

  @Test func usageErrorsExitTwo() throws {
    #expect(try AttnProcess.run(["run", "--frobnicate", path("good.attn")]).status == 2)
    let missing = try AttnProcess.run(["run", "/nonexistent/file.attn", path("good.attn")])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read '/nonexistent/file.attn': no such file"))
    #expect(missing.stdout.contains("0.4223"), "other files still run")
  }

  /// A FIFO (or a device) named as a file is refused at once: reading it
  /// would wait for a writer that may never come.
  @Test func aFifoIsRefusedNotWaitedOn() throws {
    let fifo = try makeTemporaryDirectory().appendingPathComponent("pipe.attn")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let started = Date()
    let result = try AttnProcess.run(["run", fifo.path, path("good.attn")])
    #expect(Date().timeIntervalSince(started) < 30)
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("not a regular file (it is a FIFO); give - to read standard input"), "\(result.stderr)")
    #expect(result.stdout.contains("0.4223"), "other files still run")
  }

  @Test func helpAndVersion() throws {
    let version = try AttnProcess.run(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout.hasPrefix("attn "))
    let help = try AttnProcess.run(["run", "--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("--json"))
    #expect(try AttnProcess.run(["--help"]).stdout.contains("run"))
  }

  @Test func pipedPromptRunsLinesAndKeepsGoing() throws {
    let result = try AttnProcess.run([], input: "x = [1, 2]\nsoftmax(x)\nnope\nx\n")
    #expect(result.status == 1)
    #expect(result.stdout == "[0.2689, 0.7311]\n[1, 2]\n")
    #expect(result.stderr.contains("error: unknown name 'nope'"))
    let clean = try AttnProcess.run([], input: "softmax([1, 2])\n")
    #expect(clean.status == 0)
    #expect(clean.stdout == "[0.2689, 0.7311]\n")
  }

  @Test func pipedPromptAcceptsPastedTranscripts() throws {
    let transcript = """
      attn> x = softmax([1, 2,
      ...>   3])
      attn> x
      [9.9, 9.9, 9.9]
      attn> sum(x)
      1.0000

      """
    let result = try AttnProcess.run([], input: transcript)
    #expect(result.stdout == "[0.0900, 0.2447, 0.6652]\n1.0000\n")
    #expect(result.status == 0)
  }

  /// PyTorch's additive mask (0 attend, -inf block) is an error with the
  /// conversion, not silently read inverted.
  @Test func anAdditiveMaskIsAnErrorThatSaysHowToConvertIt() throws {
    let result = try AttnProcess.run(["run", "-"], input: "attend([1, 0], eye(2), mask: [0, -inf])\n")
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "error: attend: a mask holds 1 (may attend) or 0 (blocked), but mask[1] is -inf; this looks like an additive mask"
      ), "\(result.stderr)")
    #expect(result.stderr.contains("mask: m == 0"))
    let converted = try AttnProcess.run(
      ["run", "-"], input: "m = [0, -inf]\nattend([1, 0], eye(2), mask: m == 0).weights\n")
    #expect(converted.stdout == "[1, 0]\n", "\(converted.stdout)\(converted.stderr)")
  }
}

/// `attn run --timeout` has one outcome: a file that finished ran cleanly;
/// one the limit stopped timed out, status 1, and did nothing after.
@Suite struct RunTimeoutOutcomeTests {
  @Test func aTinyLimitNeverReportsATimeoutAndASuccessAtOnce() throws {
    let directory = try makeTemporaryDirectory()
    let file = directory.appendingPathComponent("quick.attn")
    try "print(\"a\")\nsave([1], \"out.csv\")\nprint(\"b\")\n".write(to: file, atomically: true, encoding: .utf8)
    for _ in 0..<5 {
      let result = try AttnProcess.run(["run", "--timeout", "1e-9", file.path], directory: directory)
      let timedOut = result.stderr.contains("timed out")
      #expect(timedOut ? result.status == 1 : result.status == 0, "\(result.status) \(result.stderr)")
      #expect(!(timedOut && result.stdout.hasSuffix("b\n")), "it timed out after it finished: \(result.stdout)")
    }
    try "while true { }\n".write(to: file, atomically: true, encoding: .utf8)
    let spin = try AttnProcess.run(["run", "--timeout", "0.5", file.path])
    #expect(spin.status == 1 && spin.stderr.contains("timed out after 0.5 seconds"), "\(spin.stderr)")
  }
}
