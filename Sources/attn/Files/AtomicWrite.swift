import AttnLang
import Foundation

/// Writes `text` as the whole file at `path` the way every writer of attn
/// does (``FileAccess/write(_:to:temporary:)``): to a temporary file beside
/// it, renamed over it, so an interrupted write never leaves half a file; a
/// file it replaces keeps its permissions; a read-only file, a directory, a
/// device or a FIFO is refused, never replaced; a symbolic link is written
/// through. `-` and `/dev/stdout` write to standard output.
func atomicWrite(_ text: String, to path: String) throws {
  if path == "-" || path == "/dev/stdout" {
    FileHandle.standardOutput.write(Data(text.utf8))
    return
  }
  try FileAccess.unrestricted().write(Array(text.utf8), to: path)
}
