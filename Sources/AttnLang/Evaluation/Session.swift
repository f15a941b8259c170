import Attention
import Foundation
import Synchronization

/// Settings a session evaluates under.
public struct SessionOptions: Sendable {
  /// How values print.
  public var display = DisplayOptions()
  /// The most elements one tensor may have; larger requests are refused
  /// before anything is allocated.
  public var maximumElements = 50_000_000
  /// Said after the element limit's message: how this front end raises it,
  /// such as "(raise it with --max-elements or :set max-elements)".
  public var elementLimitHint: String? = nil
  /// The error a statement stopped for using too much memory reports, such as
  /// "attn used more than 8192 MB of memory (raise it with --max-memory)";
  /// the front end that watches memory says how much and how to raise it.
  public var memoryStopMessage = "stopped: attn used more memory than it may"
  /// Where `load`, `save`, `svg` and `lines` may read and write.
  public var files = FileAccess.unrestricted()

  public init() {}
}

/// A value printed by a bare expression statement, or a line `print` wrote.
public struct Output {
  public var value: Value
  /// The top-level statement that printed it.
  public var range: SourceRange
  /// Its 1-based line in the source.
  public var line: Int
  /// True for a line of text from `print` (then `value` is that ``Value/text(_:)``).
  public var isPrint: Bool

  public init(value: Value, range: SourceRange, line: Int, isPrint: Bool = false) {
    self.value = value
    self.range = range
    self.line = line
    self.isPrint = isPrint
  }
}

/// One evaluation session: the variables and settings that the REPL, `attn
/// run` and the lesson checker all share through ``execute(_:output:)-(SourceFile,_)``.
///
/// A failed statement leaves every variable as it was before it, even one
/// that failed part way through a loop.
public final class Session {
  /// The session's variables (functions from `def` among them).
  let globals = Globals()
  public var options: SessionOptions
  /// Draws `for … in progress(…)` loops; nil (the default) draws nothing.
  public var progress: (any ProgressReporter)?
  /// Asks a running evaluation to stop at its next step (Ctrl-C, a time
  /// limit); requesting it is safe from any thread and from a signal handler.
  public let stop: StopRequest

  /// A session with its own stop request, or one the front end shares with
  /// a signal handler.
  public init(options: SessionOptions = SessionOptions(), stop: StopRequest = StopRequest()) {
    self.options = options
    self.stop = stop
  }

  deinit {
    if let madeTemporaryDirectory {
      try? FileManager.default.removeItem(atPath: madeTemporaryDirectory)
      Session.liveTemporaryDirectories.withLock { _ = $0.remove(madeTemporaryDirectory) }
    }
  }

  /// The session's own temporary directory, once `tempdir()` has made it.
  private(set) var madeTemporaryDirectory: String?

  /// A directory of this session's own, made when first asked for and
  /// removed with the session (`tempdir()`); always open to confined files.
  ///
  /// Its name holds the process's id (`attn-4242-Ab12Cd`), so directories a
  /// killed or crashed attn left behind are recognized and removed the next
  /// time any attn makes one (``removeTemporaryDirectories(leftBy:)``).
  public func temporaryDirectory() throws -> String {
    if let madeTemporaryDirectory { return madeTemporaryDirectory }
    let path = try Session.makeProcessDirectory()
    madeTemporaryDirectory = path
    Session.liveTemporaryDirectories.withLock { _ = $0.insert(path) }
    return path
  }

  /// A directory of this process's own (`attn-4242-Ab12Cd`, mode 0700),
  /// made once when first asked for: where files from a shared directory
  /// (`/tmp`, `~/Downloads`) work instead of it. Removed when the process
  /// exits or is told to end, and by the next attn if it was killed.
  public static func privateWorkingDirectory() throws -> String {
    try madePrivateWorkingDirectory.withLock { made in
      if let made { return made }
      let path = try makeProcessDirectory()
      liveTemporaryDirectories.withLock { _ = $0.insert(path) }
      atexit { Session.removeLiveTemporaryDirectories() }
      made = path
      return path
    }
  }

  private static let madePrivateWorkingDirectory = Mutex<String?>(nil)

  /// Makes a fresh `attn-PID-XXXXXX` directory in the system's temporary
  /// directory (after removing those that attn processes now gone left).
  static func makeProcessDirectory() throws -> String {
    Session.sweepStaleTemporaryDirectories
    let template = FileManager.default.temporaryDirectory.appendingPathComponent("attn-\(getpid())-XXXXXX").path
    var bytes = Array(template.utf8CString)
    guard let made = mkdtemp(&bytes) else {
      throw FileAccessError("cannot make a temporary directory in \(FileManager.default.temporaryDirectory.path)")
    }
    return String(cString: made)
  }

  /// The temporary directories of live sessions of this process, for
  /// ``removeLiveTemporaryDirectories()`` when it is told to end.
  static let liveTemporaryDirectories = Mutex<Set<String>>([])

  /// Removes the temporary directories of this process's sessions: for a
  /// front end ending on SIGTERM or SIGHUP, where no session is freed.
  public static func removeLiveTemporaryDirectories() {
    for path in liveTemporaryDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
  }

  /// Removes the temporary directories a process left: `process` (a child
  /// that was killed), or — without it — every attn process that is gone.
  public static func removeTemporaryDirectories(leftBy process: Int32? = nil) {
    let directory = FileManager.default.temporaryDirectory.path
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where name.hasPrefix("attn-") {
      let parts = name.split(separator: "-")
      guard parts.count == 3, let owner = Int32(parts[1]) else { continue }
      if let process, owner != process { continue }
      if process == nil, owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH { continue }
      try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }
  }

  /// Done once per process, when a session first makes a temporary directory.
  private static let sweepStaleTemporaryDirectories: Void = removeTemporaryDirectories()

  /// Every variable with a value, by name.
  public var variables: [String: Value] {
    Dictionary(globals.defined.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
  }

  /// Variable names in the order they were first assigned.
  public var variableOrder: [String] { globals.defined.map(\.name) }

  /// The names of the variables that hold functions (from `def`, or assigned).
  public var functionNames: [String] {
    globals.defined.compactMap { if case .function = $0.value { $0.name } else { nil } }
  }

  /// The named arguments the function called `name` accepts: a builtin, or
  /// a function in a variable (a `def`); empty for anything else.
  public func namedArguments(of name: String) -> [String] {
    if let signature = Builtins.signature(of: name) { return signature.namedLabels }
    if case .function(let function)? = value(of: name) { return function.signature.namedLabels }
    return []
  }

  /// The value of one variable, or nil.
  public func value(of name: String) -> Value? { globals.value(of: name) }

  /// The context one evaluation runs under: this session's element limit and stop request.
  var context: ExecutionContext {
    ExecutionContext(maximumElements: options.maximumElements, stop: stop)
  }

  /// Parses and runs `source` statement by statement, calling `output` for
  /// each value a bare expression prints, and stops at the first error.
  ///
  /// The same text under the same name run again (a benchmark, a statement
  /// timed in a loop, `:time`) reuses its compiled code. The prompt parses
  /// each input first (to know whether it is complete) and runs that
  /// program, compiled anew each time.
  ///
  /// - Throws: ``Diagnostics``: every syntax error (nothing runs then), or
  ///   the one runtime error that stopped evaluation.
  public func execute(_ source: SourceFile, output: (Output) -> Void) throws(Diagnostics) {
    if source.bytes.count >= Session.inPartsThreshold {
      try executeInParts(source, output: output)
      return
    }
    let key = CompiledProgram.Key(name: source.name, bytes: source.bytes)
    // The same source again (a loop over `execute`, a cell run twice) is
    // found without hashing it: comparing the same bytes is a pointer check.
    if let last = lastProgram, last.key == key {
      try run(last.program, output: output)
      return
    }
    if let program = compiledPrograms[key] {
      lastProgram = (key, program)
      try run(program, output: output)
      return
    }
    let program = try compile(Session.parse(source))
    if compiledPrograms.count >= Session.compiledProgramsKept { compiledPrograms.removeAll(keepingCapacity: true) }
    compiledPrograms[key] = program
    lastProgram = (key, program)
    try run(program, output: output)
  }

  /// Parses `source` once, for a front end that must know whether the input
  /// is complete before running it (``Program/isIncomplete``).
  public static func parse(_ source: SourceFile) -> Program {
    var parser = Parser(source)
    let statements = parser.parseProgram()
    return Program(
      source: source, statements: statements, diagnostics: parser.diagnostics, isIncomplete: parser.isIncomplete)
  }

  /// Runs a parsed program; see ``execute(_:output:)-(SourceFile,_)``.
  public func execute(_ program: Program, output: (Output) -> Void) throws(Diagnostics) {
    try run(try compile(program), output: output)
  }

  /// The values `source` prints, evaluated as ``execute(_:output:)-(SourceFile,_)`` would
  /// but leaving no trace: every variable it changes (`ans` included) is put
  /// back after each statement. For checking a student's session without
  /// touching it.
  ///
  /// - Throws: ``Diagnostics`` as ``execute(_:output:)-(SourceFile,_)`` does.
  public func probe(_ source: SourceFile) throws(Diagnostics) -> [Value] {
    var values: [Value] = []
    try run(
      compile(Session.parse(source)), output: { if !$0.isPrint { values.append($0.value) } }, keepingChanges: false)
    return values
  }

  /// Runs `body` (which may run code in this session) and then puts every
  /// variable back as it was: for trying an answer without keeping it.
  public func withoutKeepingChanges<Result>(_ body: () throws -> Result) rethrows -> Result {
    let snapshot = globals.snapshot()
    defer { globals.restore(snapshot) }
    return try body()
  }

  /// How many compiled inputs a session keeps for reuse.
  static let compiledProgramsKept = 256
  private var compiledPrograms: [CompiledProgram.Key: CompiledProgram] = [:]
  /// The program run last and its key (checked before the dictionary).
  private var lastProgram: (key: CompiledProgram.Key, program: CompiledProgram)?
  /// A finished evaluation's runtime and top-level frame, for the next one
  /// (three allocations fewer for each line at the prompt).
  private var spareEvaluation: (runtime: Runtime, frame: Frame)?

  /// Compiles every statement first, so that mistakes such as `break`
  /// outside a loop are reported before anything runs.
  func compile(_ program: Program) throws(Diagnostics) -> CompiledProgram {
    let source = program.source
    guard program.diagnostics.isEmpty else {
      throw Diagnostics(source: source, items: Session.capped(program.diagnostics))
    }
    var compiler = Compiler(source: source, globals: globals, maximumStringBytes: options.maximumElements)
    var statements: [CompiledProgram.Statement] = []
    var mistakes: [Diagnostic] = []
    for statement in program.statements {
      do {
        let code = try compiler.statement(statement)
        let line = source.lineIndex(of: statement.range.start) + 1
        statements.append(CompiledProgram.Statement(range: statement.range, line: line, code: code))
      } catch {
        mistakes.append(error)
      }
    }
    guard mistakes.isEmpty else { throw Diagnostics(source: source, items: Session.capped(mistakes)) }
    return CompiledProgram(source: source, statements: statements)
  }

  /// Runs each statement in turn; one that fails is undone whole.
  func run(
    _ program: CompiledProgram, output: (Output) -> Void, clearingStop: Bool = true, keepingChanges: Bool = true
  ) throws(Diagnostics) {
    if clearingStop { stop.clear() }
    let context = self.context
    // The runtime and top-level frame of the last evaluation, when it has
    // finished (an evaluation inside this one makes its own).
    let (runtime, frame) =
      spareEvaluation.take()
      ?? {
        let runtime = Runtime(session: self, context: context)
        return (runtime, Frame(runtime: runtime, slotCount: 0, function: nil))
      }()
    defer { spareEvaluation = (runtime, frame) }
    try withoutActuallyEscaping(output) { (output) throws(Diagnostics) in
      runtime.begin(context: context, output: output, keepsIterations: keepingChanges)
      defer { runtime.end() }
      try context.run { () throws(Diagnostics) in
        for statement in program.statements {
          runtime.statement = (statement.range, statement.line)
          runtime.keptLoop = nil
          globals.begin()
          do throws(Diagnostic) {
            _ = try statement.code.execute(frame)
            if keepingChanges { globals.commit() } else { globals.rollBack() }
          } catch {
            throw Diagnostics(source: program.source, items: undo(after: error, in: runtime))
          }
        }
      }
    }
  }

  /// Undoes a statement that failed: a loop at the top level keeps its
  /// completed iterations (only the one that failed or was interrupted is
  /// undone, and a note says what was kept); a statement stopped for using
  /// too much memory is undone whole, which frees what it built.
  func undo(after error: Diagnostic, in runtime: Runtime) -> [Diagnostic] {
    guard let loop = runtime.keptLoop, stop.reason != .memory else {
      globals.rollBack()
      return [error]
    }
    globals.rollBackIteration(runtime: runtime)
    let count = loop.iterations
    let what = error.message == "interrupted" ? "interrupted" : "that failed"
    let note = Diagnostic(
      "the loop kept what its \(count) completed iteration\(count == 1 ? "" : "s") did; the one \(what) was undone",
      at: loop.range, severity: .note)
    return [error, note]
  }

  /// At most ``maximumReportedErrors`` syntax errors, then a note counting
  /// the rest — a binary file fed by mistake gives a screenful, not thousands.
  static let maximumReportedErrors = 10

  static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    guard diagnostics.count > maximumReportedErrors else { return diagnostics }
    let shown = Array(diagnostics.prefix(maximumReportedErrors))
    let hidden = diagnostics.count - maximumReportedErrors
    return shown + [
      Diagnostic(
        "\(hidden) more error\(hidden == 1 ? "" : "s") not shown", at: diagnostics[maximumReportedErrors].range,
        severity: .note)
    ]
  }

  /// Asks a running ``execute(_:output:)-(SourceFile,_)`` on another thread to stop at the
  /// next step; it then fails with `interrupted`.
  public func interrupt() {
    stop.request()
  }

  /// Forgets every variable.
  public func reset() {
    globals.removeAll()
  }

  /// Sets a variable, as an assignment statement does.
  public func define(_ name: String, _ value: Value) {
    globals.define(name, value)
  }
}

/// A program's statements, compiled, with where each is.
final class CompiledProgram {
  struct Statement {
    var range: SourceRange
    var line: Int
    var code: Compiled.Statement
  }

  /// What identifies a source for reuse: its name and its text.
  struct Key: Hashable {
    var name: String
    var bytes: [UInt8]

    /// Hashes the text in one call rather than byte by byte.
    func hash(into hasher: inout Hasher) {
      hasher.combine(name)
      bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
  }

  let source: SourceFile
  let statements: [Statement]

  init(source: SourceFile, statements: [Statement]) {
    self.source = source
    self.statements = statements
  }
}

/// Source parsed once: its statements and syntax errors.
public struct Program: Sendable {
  public let source: SourceFile
  let statements: [Statement]
  let diagnostics: [Diagnostic]
  /// True when the input ended inside an open bracket: a prompt should read
  /// another line before running it.
  public let isIncomplete: Bool
}

/// Named constants of the language. `none` is nothing: given for an
/// optional argument (`mask: none`, as help writes defaults) it is the same
/// as leaving the argument out.
enum Constants {
  static var values: [String: Value] { numbers.mapValues { .number($0) }.merging(["none": .none]) { a, _ in a } }

  /// The constant called `name`, if there is one.
  static func value(named name: String) -> Value? { name == "none" ? Value.none : numbers[name].map { .number($0) } }

  /// The constants that are numbers (all but `none`).
  static let numbers: [String: Double] = [
    "inf": .infinity, "nan": .nan, "true": 1, "false": 0, "pi": Double.pi,
  ]
}
