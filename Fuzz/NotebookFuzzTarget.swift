// A libFuzzer target for lesson Markdown: any text is parsed as a notebook,
// rendered for the terminal and as an HTML page (whose links must all be
// safe), and its outputs re-recorded. Cells are not run (the language has
// its own target). Any crash is a bug.
//
// Built and run by scripts/fuzz notebook (not part of the SwiftPM package).

import Lessons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = TerminalMarkdown.render(text, color: true, width: 60)
  let page = NotebookHTML.page(title: "fuzz", blocks: [.markdown(text)])
  if page.lowercased().contains("href=\"javascript") || page.contains("<script") {
    fatalError("an exported page holds a script")
  }
  guard let notebook = try? Notebook(path: "fuzz.md", text: text) else { return 0 }
  _ = NotebookHTML.page(for: notebook, results: [])
  _ = notebook.updatingOutputs([])
  for cell in notebook.cells {
    for entry in cell.entries { _ = OutputMatcher.matches(expected: entry.expected, actual: [entry.input]) }
  }
  return 0
}
