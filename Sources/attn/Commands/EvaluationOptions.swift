import ArgumentParser
import AttnLang

#if canImport(Glibc)
  import Glibc
#endif

/// Options shared by every command that evaluates attn code.
struct EvaluationOptions: ParsableArguments {
  @Option(name: .long, help: "Digits after the decimal point when printing numbers.")
  var precision: Int = 4

  @Option(
    name: .customLong("max-elements"),
    help: "Refuse to create a tensor with more elements than this (before allocating it).")
  var maxElements: Int = 50_000_000

  @Flag(name: .customLong("no-color"), help: "Never color the output (also: the NO_COLOR environment variable).")
  var noColor = false

  func validate() throws {
    guard (0...17).contains(precision) else { throw ValidationError("--precision must be between 0 and 17") }
    guard maxElements > 0 else { throw ValidationError("--max-elements must be positive") }
  }

  var sessionOptions: SessionOptions {
    var options = SessionOptions()
    options.display.precision = precision
    options.maximumElements = maxElements
    options.elementLimitHint = "(raise it with --max-elements or :set max-elements)"
    // On a color terminal, pictures get colors and attention records show
    // their weights; anywhere else output stays plain and deterministic.
    if !noColor && Terminal.wantsColor(STDOUT_FILENO) {
      options.display.pictures = Terminal.supportsTrueColor ? .trueColor : .palette256
      options.display.picturesUnderRecords = true
    }
    options.display.width = Terminal.width()
    return options
  }
}
