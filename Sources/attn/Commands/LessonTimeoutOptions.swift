import ArgumentParser

/// `--timeout` for the commands that run a lesson's inputs unattended
/// (`attn test`, `attn export`, `attn lesson` without a terminal): a lesson
/// from elsewhere may hold `while true { }`, which must not hang CI.
struct LessonTimeoutOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp("Seconds each input of a lesson may run before it is stopped.", valueName: "seconds"))
  var timeout: Double = 60

  func validate() throws {
    guard timeout > 0, timeout.isFinite else {
      throw ValidationError("--timeout must be a positive number of seconds")
    }
  }
}
