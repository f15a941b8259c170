import ArgumentParser
import Foundation
import Lessons

/// The lesson a command line names: a Markdown file, else one of the
/// lessons installed with attn by number or name (`3`, `03-selecting-a-vector`,
/// `softmax`) as `attn lesson` finds them; what names neither is returned
/// as given, for the error to name.
func lessonPath(_ name: String) -> String {
  if FileManager.default.fileExists(atPath: name) { return name }
  guard !name.contains("/"), let directory = LessonLibrary.defaultDirectory(),
    let files = try? LessonLibrary.markdownFiles(in: [directory]),
    let found = LessonLibrary.resolve(name, among: files)
  else { return name }
  return found
}

/// The lesson at `path`, or a usage error (status 2) saying why it cannot be read.
func loadLessonOrExit(_ path: String) throws -> Notebook {
  guard FileManager.default.fileExists(atPath: path) else {
    printError(
      "attn: error: no file '\(path)', and no lesson installed with attn by that name (attn lesson lists them)")
    throw ExitCode(2)
  }
  do {
    return try LessonLibrary.load(path)
  } catch {
    printError("attn: error: \(error)")
    throw ExitCode(2)
  }
}
