// A libFuzzer target for the language: every input is lexed, parsed and
// evaluated in a fresh session (with a small element limit, and stopped
// after 200 ms, so no input can take long — loops included), and every
// value is formatted as text and JSON. Lesson parsing and output matching
// get the same bytes. Any crash is a bug.
//
// Built and run by scripts/fuzz (not part of the SwiftPM package).

import AttnLang
import Dispatch
import Lessons

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var options = SessionOptions()
  options.maximumElements = 20_000
  // Inputs may call save, svg and load: keep them to a directory that does not exist.
  options.files = .confined(to: [], base: "/nonexistent-attn-fuzz", hint: nil)
  let session = Session(options: options)
  // Each input gets its own stop request; a late one only touches its own session.
  DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [stop = session.stop] in stop.request() }
  let source = SourceFile(name: "fuzz.attn", bytes: bytes)
  let formatter = ValueFormatter(options: options.display)
  do {
    try session.execute(source) { output in
      _ = formatter.format(output.value)
      _ = JSONEncoding.encode(output.value)
    }
  } catch {
    _ = DiagnosticRenderer(useColor: true).render(error)
  }
  let text = String(decoding: bytes, as: UTF8.self)
  _ = Session.parse(SourceFile(name: "fuzz.attn", text: text)).isIncomplete
  if let notebook = try? Notebook(path: "fuzz.md", text: text) {
    _ = notebook.updatingOutputs([])
    for cell in notebook.cells {
      for entry in cell.entries { _ = OutputMatcher.matches(expected: entry.expected, actual: [entry.input]) }
    }
  }
  return 0
}
