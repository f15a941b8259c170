import ArgumentParser
import Lessons

/// The lesson at `path`, or a usage error (status 2) saying why it cannot be read.
func loadLessonOrExit(_ path: String) throws -> Notebook {
  do {
    return try LessonLibrary.load(path)
  } catch {
    printError("attn: error: \(error)")
    throw ExitCode(2)
  }
}
