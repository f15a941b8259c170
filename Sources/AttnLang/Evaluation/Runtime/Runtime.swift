import Attention
import _System

/// One evaluation: the session's variables, the execution context bound for
/// it, where printed values go, and the calls in progress.
final class Runtime {
  /// How many calls may be in progress at once; deeper recursion is an error.
  static let maximumCallDepth = 1000

  /// Not retained: a runtime lives only inside an evaluation of its session
  /// or as the session's spare for the next one (`Session.run`), never
  /// longer than the session, and a strong reference would make the spare
  /// keep its session alive.
  unowned(unsafe) let session: Session
  let globals: Globals
  private(set) var context: ExecutionContext
  /// Where the running evaluation's values go (nowhere between evaluations).
  private(set) var output: (Output) -> Void = { _ in }
  /// The top-level statement running, whose line printed values carry.
  var statement: (range: SourceRange, line: Int) = (SourceRange(0, 0), 1)
  /// Calls in progress.
  var depth = 0
  /// Whether loops at the top level keep their completed iterations when
  /// the statement fails (false while probing, which keeps nothing).
  @exclusivity(unchecked) var keepsIterations = true
  /// The top-level loop that last finished an iteration in the running
  /// statement, and how many it finished: what a failure keeps.
  @exclusivity(unchecked) var keptLoop: (range: SourceRange, iterations: Int)? = nil
  /// The lowest stack address calls may reach, found when recursion first gets deep.
  var stackFloor: UInt? = nil

  init(session: Session, context: ExecutionContext) {
    self.session = session
    self.globals = session.globals
    self.context = context
  }

  /// Prepares this runtime for another evaluation of its session (a
  /// session reuses one from evaluation to evaluation: at the prompt each
  /// line is one). `output` must be let go by ``end()``.
  func begin(context: ExecutionContext, output: @escaping (Output) -> Void, keepsIterations: Bool) {
    self.context = context
    self.output = output
    self.keepsIterations = keepsIterations
    depth = 0
    keptLoop = nil
    // The next evaluation may run on another thread, with another stack.
    stackFloor = nil
  }

  /// Lets go of the evaluation's output (which must not outlive it).
  func end() {
    output = { _ in }
  }

  /// Called by a loop after each iteration: at the top level (not inside a
  /// function, whose variables are its own), what the iteration did is
  /// kept even if the statement later fails.
  @inline(__always)
  func iterationFinished(_ loop: SourceRange, count: Int, in frame: Frame) {
    guard keepsIterations, frame.function == nil else { return }
    globals.checkpoint()
    keptLoop = (loop, count)
  }

  /// Throws `interrupted` when a stop was requested (Ctrl-C, a time limit).
  @inline(__always)
  func checkStop(at range: SourceRange) throws(Diagnostic) {
    if context.stop.isRequested { throw Diagnostic(stopMessage, at: range) }
  }

  /// Prints a value of a bare top-level expression.
  func show(_ value: Value) {
    if case .none = value { return }
    output(Output(value: value, range: statement.range, line: statement.line))
  }

  /// Prints a line of text (`print`).
  func printLine(_ text: String) {
    output(Output(value: .text(text), range: statement.range, line: statement.line, isPrint: true))
  }

  // MARK: Calls

  /// Calls `function` with evaluated arguments.
  func call(
    _ function: Function, positional: [ArgumentValue], named: [NamedArgumentValue], range: SourceRange,
    source: SourceFile
  ) throws(Diagnostic) -> Value {
    switch function.body {
    case .builtin(let builtin):
      let (values, rest) = try builtin.signature.bind(positional: positional, named: named, callRange: range)
      let arguments = Arguments(
        signature: builtin.signature, values: values, rest: rest, range: range, runtime: self, source: source)
      let result = try library(range, as: builtin.name) { try builtin.call(arguments) }
      if case .tensor(let tensor) = result { return Value(tensor) }
      return result
    case .user(let user):
      let frame = Frame(runtime: self, slotCount: user.slotCount, function: function)
      if named.isEmpty, positional.count == user.parameterCount, user.defaults.isEmpty {
        for index in positional.indices { frame.slots[index] = positional[index].value }
      } else {
        let (values, _) = try user.signature.bind(positional: positional, named: named, callRange: range)
        for (index, argument) in values.enumerated() { frame.slots[index] = argument?.value }
      }
      return try invoke(user, in: frame, calledAt: range, from: source)
    }
  }

  /// Calls `function` on plain values from a builtin (`map`, `grad`): the
  /// arguments are positional, located at the builtin's call.
  func call(_ function: Function, _ values: [Value], at range: SourceRange, source: SourceFile) throws(Diagnostic)
    -> Value
  {
    try call(
      function, positional: values.map { ArgumentValue(value: $0, range: range) }, named: [], range: range,
      source: source)
  }

  /// Runs a user function's body in a frame holding its arguments: fills in
  /// defaults and captured values, keeps the depth in bounds, and adds this
  /// call to the stack of an error that comes out.
  func invoke(_ user: UserFunction, in frame: Frame, calledAt range: SourceRange, from source: SourceFile)
    throws(Diagnostic) -> Value
  {
    depth += 1
    defer { depth -= 1 }
    do {
      if depth > 64 { try checkDepth(at: range) }
      try checkStop(at: range)
      for (slot, value) in user.captured { frame.slots[slot] = value }
      for (slot, compute) in user.defaults where frame.slots[slot] == nil {
        frame.slots[slot] = try compute.evaluate(frame)
      }
      return try user.body.evaluate(frame)
    } catch var error {
      if error.source == nil { error.source = user.source }
      error.callStack.append(CallSite(function: user.name, range: range, source: source))
      throw error
    }
  }

  /// Refuses a call beyond ``maximumCallDepth``, or one that would run the
  /// thread's stack too low.
  func checkDepth(at range: SourceRange) throws(Diagnostic) {
    if depth > Runtime.maximumCallDepth {
      throw Diagnostic(
        "recursion is too deep: more than \(Runtime.maximumCallDepth) calls in progress", at: range)
    }
    let floor = stackFloor ?? Runtime.currentStackFloor()
    stackFloor = floor
    var marker = 0
    let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    if here < floor {
      throw Diagnostic(
        "recursion is too deep: \(depth) calls in progress used up this thread's stack", at: range)
    }
  }

  /// The address below which the calling thread's stack must not grow:
  /// its lowest address plus a reserve for the builtins a call may run.
  static func currentStackFloor() -> UInt {
    let lowest = UInt(attn_stack_lowest_address())
    return lowest == 0 ? 0 : lowest + 256 * 1024
  }

  // MARK: Library errors

  /// What a stopped statement reports: "interrupted" for Ctrl-C and time
  /// limits (a front end reports the time-out itself), the memory message
  /// when memory ran over.
  var stopMessage: String {
    context.stop.reason == .memory ? session.options.memoryStopMessage : "interrupted"
  }

  /// Refuses a string (bytes) or list (items) longer than the element limit:
  /// `s = s + s` in a loop must end in an error, not in exhausted memory.
  func checkLength(_ length: Int, of kind: String, operation: String, at range: SourceRange) throws(Diagnostic) {
    let limit = context.maximumElements
    guard length > limit else { return }
    let hint = session.options.elementLimitHint.map { " " + $0 } ?? ""
    throw Diagnostic(
      "\(operation): a \(kind) of \(length) \(kind == "list" ? "items" : "bytes") is more than the limit of \(limit)\(hint)",
      at: range)
  }

  /// Runs library code for the language operation `operation` (a builtin's
  /// name, an operator's spelling), turning the library's errors into a
  /// diagnostic at `range` that speaks the language's names.
  func library<T>(_ range: SourceRange, as operation: String, _ body: () throws -> T) throws(Diagnostic) -> T {
    do {
      return try body()
    } catch let error as Diagnostic {
      throw error
    } catch let error as TensorError {
      throw Diagnostic(LanguageNames.message(for: error), at: range)
    } catch var error as ElementLimitExceeded {
      // Whatever step inside ran over, the user asked for `operation`.
      error.operation = operation
      let hint = session.options.elementLimitHint.map { " " + $0 } ?? ""
      throw Diagnostic(error.description + hint, at: range)
    } catch is ExecutionContext.Stopped {
      throw Diagnostic(stopMessage, at: range)
    } catch {
      throw Diagnostic("\(operation): \(error)", at: range)
    }
  }
}
