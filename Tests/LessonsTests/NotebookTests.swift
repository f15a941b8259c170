import Lessons
import Testing

@Suite struct NotebookTests {
  let text = """
    # 9. A lesson

    The summary line,
    continued.

    ```attn
    attn> x = [1,
    ...>   2]
    attn> x
    [1, 2]

    ```

    More prose.

    ```attn nocheck tolerance=0.5
    attn> x * 2
    [2, 4]
    ```
    """

  @Test func parsesProseCellsAndEntries() throws {
    let notebook = try Notebook(path: "l.md", text: text)
    #expect(notebook.title == "9. A lesson")
    #expect(notebook.summary == "The summary line, continued.")
    #expect(notebook.cells.count == 2)
    let first = notebook.cells[0]
    #expect(first.line == 6)
    #expect(first.entries.map(\.input) == ["x = [1,\n  2]", "x"])
    #expect(first.entries.map(\.line) == [7, 9])
    #expect(first.entries.map(\.expected) == [[], ["[1, 2]"]])
    #expect(notebook.cells[1].options == Notebook.CellOptions(check: false, tolerance: 0.5))
  }

  @Test func windowsLineEndings() throws {
    let notebook = try Notebook(path: "l.md", text: text.replacingOccurrences(of: "\n", with: "\r\n"))
    #expect(notebook.cells.count == 2)
    #expect(notebook.cells[0].entries.map(\.expected) == [[], ["[1, 2]"]])
  }

  @Test func formatMistakes() {
    #expect(throws: NotebookError.self) { try Notebook(path: "l.md", text: "```attn\nattn> 1\n") }
    do {
      _ = try Notebook(path: "l.md", text: "```attn loose\nattn> 1\n```")
      Issue.record("an unknown option was accepted")
    } catch let error as NotebookError {
      #expect(
        error.description
          == "l.md:1: error: unknown cell option 'loose'; options are nocheck, tolerance=NUMBER (finite, not negative), exercise and name=NAME (letters, digits, '-' and '_')"
      )
    } catch {
      Issue.record("\(error)")
    }
    #expect(throws: NotebookError.self) { try Notebook(path: "l.md", text: "```attn\noutput first\n```") }
  }

  @Test func updateRewritesOnlyOutputs() throws {
    let notebook = try Notebook(path: "l.md", text: text)
    let updated = notebook.updatingOutputs([[[], ["[1, 2]", "extra"]], [["[2, 4]"]]])
    #expect(updated.contains("attn> x\n[1, 2]\nextra\n```"))
    #expect(updated.contains("attn> x = [1,\n...>   2]\nattn> x"))
    #expect(updated.hasSuffix("[2, 4]\n```\n"))
    #expect(updated.contains("More prose."))
  }

  @Test func resolvesLessonNames() {
    let files = ["lessons/01-softmax.md", "lessons/02-index-selection.md", "lessons/11-transformer-block.md"]
    #expect(LessonLibrary.resolve("2", among: files) == "lessons/02-index-selection.md")
    #expect(LessonLibrary.resolve("11", among: files) == "lessons/11-transformer-block.md")
    #expect(LessonLibrary.resolve("softmax", among: files) == "lessons/01-softmax.md")
    #expect(LessonLibrary.resolve("01-softmax.md", among: files) == "lessons/01-softmax.md")
    #expect(LessonLibrary.resolve("nothing", among: files) == nil)
  }
}
