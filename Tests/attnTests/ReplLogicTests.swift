import AttnLang
import Foundation
import Testing
import _TestSupport

@testable import attn

/// The prompt's logic, without a terminal.
@Suite struct TranscriptFilterTests {
  @Test func pastedTranscriptRunsOnlyInputs() {
    var filter = TranscriptFilter()
    let lines = ["attn> x = softmax([1,", "...>   2])", "attn> x", "[0.2689, 0.7311]", "attn> sum(x)", "1.0000"]
    var kept: [String] = []
    var continuing = false
    for line in lines {
      if let code = filter.filter(line, continuing: continuing) {
        kept.append(code)
        continuing =
          Session.parse(SourceFile(name: "", text: kept.joined(separator: "\n"))).isIncomplete && code.contains("[")
      }
    }
    #expect(kept == ["x = softmax([1,", "  2])", "x", "sum(x)"])
  }

  @Test func plainCodePassesThrough() {
    var filter = TranscriptFilter()
    #expect(filter.filter("softmax([1, 2])", continuing: false) == "softmax([1, 2])")
    #expect(filter.filter("x", continuing: false) == "x")
  }

  @Test func blankLineOrEndOfPasteEndsTheTranscript() {
    var filter = TranscriptFilter()
    _ = filter.filter("attn> 1", continuing: false)
    #expect(filter.filter("1", continuing: false) == nil)
    #expect(filter.filter("", continuing: false) == nil)
    #expect(filter.filter("2", continuing: false) == "2")
    _ = filter.filter("attn> 1", continuing: false)
    filter.endOfPaste()
    #expect(filter.filter("3", continuing: false) == "3")
  }
}

@Suite struct CompletionTests {
  let session: Session = {
    let session = Session()
    _ = try? session.execute(SourceFile(name: "t", text: "weights = [1]\nr = attend([1, 0], eye(2))")) { _ in }
    return session
  }()

  func complete(_ line: String) -> [String] {
    let breaks = Set(Completion.wordBreaks)
    let start = line.lastIndex(where: { breaks.contains($0) }).map { line.index(after: $0) } ?? line.startIndex
    return Completion.candidates(
      line: line, wordStart: line.distance(from: line.startIndex, to: start), prefix: String(line[start...]),
      session: session, commands: PromptCommand.completionWords)
  }

  @Test func builtinsAndVariables() {
    #expect(complete("softm") == ["softmax"])
    #expect(complete("wei") == ["weights"])
    #expect(complete("x = sel") == ["selfattend"])
  }

  @Test func recordFieldsAfterADot() {
    #expect(complete("r.") == ["output", "scores", "weights"])
    #expect(complete("r.we") == ["weights"])
    #expect(complete("weights.") == ["T", "dtype", "shape"])
  }

  @Test func namedArgumentsInsideACall() {
    // Named parameters come first; functions whose values could be passed follow.
    #expect(complete("softmax(x, te").first == "temperature:")
    #expect(complete("softmax(x, tem") == ["temperature:", "tempdir"])
    #expect(complete("multihead(X, he").first == "heads:")
    #expect(complete("attend(q, U, mask: causal(3), ca").contains("causal:"))
  }

  @Test func functionsYouDefine() throws {
    _ = try session.values("def scaled(x, temperature_of: 1) = x\nhelper = x -> x")
    #expect(complete("sca") == ["scaled"])
    #expect(complete("scaled(x, temp").first == "temperature_of:")
    #expect(complete("hel").contains("helper"))
    #expect(complete("wh") == ["while"])
  }

  @Test func commands() {
    #expect(complete(":he") == [":help"])
    #expect(complete(":l").contains(":load"))
  }
}

@Suite struct CommandParsingTests {
  @Test func commands() {
    func parsed(_ text: String) -> String? {
      guard case .success(let result) = PromptCommand.parse(text) else { return nil }
      return result.command.name + "|" + result.argument
    }
    #expect(parsed(":help") == "help|")
    #expect(parsed(":help softmax") == "help|softmax")
    #expect(parsed("?softmax") == "help|softmax")
    #expect(parsed(":h softmax") == "help|softmax")
    #expect(parsed(":vars") == "vars|")
    #expect(parsed(":load f.attn") == "load|f.attn")
    #expect(parsed(":save notes.md") == "save|notes.md")
    #expect(parsed(":set precision 6") == "set|precision 6")
    #expect(Setting.parse("precision 6") == .success(.precision(6)))
    #expect(Setting.parse("max-elements 100") == .success(.maxElements(100)))
    #expect(parsed(":time softmax(x)") == "time|softmax(x)")
    #expect(parsed(":lesson 3") == "lesson|3")
    #expect(parsed(":quit") == "quit|")
    #expect(parsed(":exit") == "quit|")
  }

  @Test func everyCommandIsInHelpAndCompletion() {
    for command in PromptCommand.all {
      #expect(PromptCommand.overview.contains(command.usage))
      #expect(
        Completion.candidates(
          line: ":", wordStart: 0, prefix: ":", session: Session(), commands: PromptCommand.completionWords
        ).contains(":" + command.name))
    }
  }

  @Test func mistakes() {
    func error(_ text: String) -> String? {
      guard case .failure(let error) = PromptCommand.parse(text) else { return nil }
      return error.text
    }
    #expect(
      error(":hepl")
        == "unknown command ':hepl' (:help lists the commands)")
    #expect(
      error(":sa") == "unknown command ':sa'; did you mean ':save'? (:help lists the commands)")
    #expect(Setting.parse("precision 99") == .failure(CommandError(text: "precision must be 0 to 17")))
    #expect(error(":set") == Setting.usage)
    #expect(error(":load") == ":load needs a file name")
    #expect(error(":quit now") == ":quit takes no argument")
  }
}

@Suite struct ReplSessionTests {
  @Test func saveWritesAnAttnFileOrANotebookThatChecks() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attn-save-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let repl = Repl(session: Session(), color: false, name: "<test>")
    repl.feed("x = softmax([1, 2])")
    repl.feed("nope")
    repl.feed("x")
    let script = directory.appendingPathComponent("s.attn").path
    let notebook = directory.appendingPathComponent("s.md").path
    repl.feed(":save \(script)")
    repl.feed(":save \(notebook)")
    #expect(try String(contentsOfFile: script, encoding: .utf8) == "x = softmax([1, 2])\nx\n")
    let markdown = try String(contentsOfFile: notebook, encoding: .utf8)
    #expect(markdown.contains("```attn\nattn> x = softmax([1, 2])\nattn> x\n[0.2689, 0.7311]\n```"))
  }

  @Test func errorsKeepVariablesAndAnsHoldsTheLastValue() {
    let session = Session()
    let repl = Repl(session: session, color: false, name: "<test>")
    #expect(repl.feed("x = [1, 2]"))
    #expect(!repl.feed("x @ [1, 2, 3]"))
    #expect(repl.feed("x * 2"))
    #expect(session.variables["x"] != nil)
    #expect(session.variables["ans"] == .tensor(.init([2, 4])))
  }

  @Test func openBracketsWaitForMoreLines() {
    let repl = Repl(session: Session(), color: false, name: "<test>")
    repl.feed("y = [1,")
    #expect(repl.prompt == "...> ")
    repl.feed("2]")
    #expect(repl.prompt == "attn> ")
    #expect(repl.session.variables["y"] != nil)
  }

  /// A block keeps the prompt at `...> ` until its `}`; the function and
  /// the loop then run as one input, and `:save` writes the definition back.
  @Test func openBlocksWaitForMoreLines() throws {
    let repl = Repl(session: Session(), color: false, name: "<test>")
    repl.feed("def twice(x) {")
    #expect(repl.prompt == "...> ")
    repl.feed("  return 2 * x")
    #expect(repl.prompt == "...> ")
    repl.feed("}")
    #expect(repl.prompt == "attn> ")
    repl.feed("total = 0")
    repl.feed("for i in range(3) {")
    repl.feed("  total += twice(i)")
    #expect(repl.prompt == "...> ")
    repl.feed("}")
    #expect(repl.session.variables["total"] == .number(6))
    let script = try makeTemporaryDirectory().appendingPathComponent("session.attn").path
    #expect(repl.save(script))
    let saved = try String(contentsOfFile: script, encoding: .utf8)
    #expect(saved.hasPrefix("def twice(x) {\n  return 2 * x\n}\ntotal = 0\n"))
    let replay = Session()
    _ = try replay.values(saved)
    #expect(replay.variables["total"] == .number(6))
  }
}
