import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// Functions, control flow, lists, records and strings: each construct and
/// each of its mistakes. (Numbers computed by programs are checked against
/// NumPy in BuiltinTests' fixtures.)
@Suite struct LanguageTests {
  func messages(_ code: String, in session: Session = Session()) -> [String] {
    session.errors(code).map(\.message)
  }

  // MARK: Functions

  @Test func functionsWithDefaultsAndNamedArguments() throws {
    let session = Session()
    _ = try session.values("def scaled(x, t: 1) = softmax(x / t)\ndef twice(x, n: 2, m: n * 10) = x * n + m")
    #expect(try session.value("scaled([0, 0])") == .tensor(Tensor([0.5, 0.5])))
    #expect(try session.value("scaled([0, 0], t: 0.5)") == .tensor(Tensor([0.5, 0.5])))
    // A default can use the parameters before it; it runs at each call.
    #expect(try session.value("twice(1)") == .number(22))
    #expect(try session.value("twice(1, n: 3)") == .number(33))
    #expect(try session.value("twice(1, m: 0)") == .number(2))
    #expect(try session.value("twice(x: 5)") == .number(30))
  }

  @Test func blockFunctionsReturnOrGiveNothing() throws {
    let session = Session()
    _ = try session.values(
      """
      def sign(x) {
        if x > 0 { return 1 }
        if x < 0 { return -1 }
        return 0
      }
      def shout(x) {
        print("x is", x)
      }
      """)
    #expect(try session.values("sign(-3)\nsign(0)\nsign(2)") == [.number(-1), .number(0), .number(1)])
    // No return: the call gives nothing, which prints nothing.
    var printed: [Output] = []
    try session.execute(SourceFile(name: "t", text: "shout(2)")) { printed.append($0) }
    #expect(printed.count == 1 && printed[0].isPrint && printed[0].value == .text("x is 2"))
    #expect(try session.values("y = shout(1)") == [.text("x is 1")])
    #expect(try session.values("y").isEmpty)
  }

  @Test func lambdasAndFunctionsAsValues() throws {
    let session = Session()
    _ = try session.values("f = x -> 2 * x\ng = (x, y) -> x @ y\nh = () -> 7\nfs = list(f, softmax, x -> x + 1)")
    #expect(try session.value("f(21)") == .number(42))
    #expect(try session.value("g([1, 2], [3, 4])") == .number(11))
    #expect(try session.value("h()") == .number(7))
    #expect(try session.value("fs[2](1)") == .number(2))
    #expect(try session.value("fs[1]([0, 0])") == .tensor(Tensor([0.5, 0.5])))
    #expect(try session.value("map(f, list(1, 2))") == .list([.number(2), .number(4)]))
    #expect(try session.value("map(len, list(\"ab\", \"c\"))") == .list([.number(2), .number(1)]))
    #expect(try session.value("filter(x -> x > 1, list(1, 2, 3))") == .list([.number(2), .number(3)]))
    #expect(try session.value("{act: relu}.act([-1, 1])") == .tensor(Tensor([0, 1])))
    // Functions print as what they are.
    let text = ValueFormatter(options: DisplayOptions().plain)
    #expect(text.format(try session.value("f")) == "x -> 2 * x")
    #expect(text.format(try session.value("softmax")) == "builtin softmax(x, axis: -1, temperature: 1)")
  }

  @Test func closuresCaptureTheValuesAroundThem() throws {
    let session = Session()
    _ = try session.values(
      """
      def adder(k) = x -> x + k
      def counter() {
        n = 10
        bump = x -> x + n
        n = 20
        return bump(1)
      }
      def around(a) {
        def inner(b) = a * b
        return inner(3)
      }
      def countdown(n) {
        def step(k) {
          if k <= 0 { return 0 }
          return 1 + step(k - 1)
        }
        return step(n)
      }
      """)
    #expect(try session.value("adder(5)(1)") == .number(6))
    // A lambda keeps the value a local had when the lambda was made.
    #expect(try session.value("counter()") == .number(11))
    #expect(try session.value("around(2)") == .number(6))
    #expect(try session.value("countdown(5)") == .number(5))
  }

  @Test func scopeKeepsSessionVariablesSafe() throws {
    let session = Session()
    _ = try session.values(
      """
      x = 1
      y = 100
      def f(a) {
        x = a * 2
        return x + y
      }
      def g() = y
      """)
    #expect(try session.value("f(5)") == .number(110))
    // The function's x was its own; the session's is untouched.
    #expect(try session.value("x") == .number(1))
    // Session variables are read as they are when the function runs.
    _ = try session.values("y = 7")
    #expect(try session.value("g()") == .number(7))
    #expect(
      messages("def h() {\n  z = z + 1\n  return z\n}\nh()", in: session) == [
        "'z' is used before it is assigned: a name a function assigns to is its own local variable"
      ])
  }

  @Test func recursionWorksAndIsBounded() throws {
    let session = Session()
    _ = try session.values("def fact(n) {\n  if n <= 1 { return 1 }\n  return n * fact(n - 1)\n}")
    #expect(try session.value("fact(10)") == .number(3_628_800))
    let errors = session.errors("def forever(n) = forever(n + 1)\nforever(0)")
    #expect(errors.count == 1)
    let message = errors.first?.message ?? ""
    // The documented limit, or the thread's stack, whichever comes first.
    #expect(message.hasPrefix("recursion is too deep"), "\(message)")
    #expect((errors.first?.callStack.count ?? 0) > 100)
    // The session is still usable.
    #expect(try session.value("fact(3)") == .number(6))
  }

  @Test func callMistakes() throws {
    let session = Session()
    _ = try session.values("def f(x, y, t: 1) = x + y * t\nn = 3")
    #expect(messages("f(1)", in: session) == ["f needs y; usage: f(x, y, t: 1)"])
    #expect(
      messages("f(1, 2, 3)", in: session) == ["f takes 2 positional arguments, got 3; usage: f(x, y, t: 1)"])
    #expect(
      messages("f(1, 2, s: 3)", in: session) == [
        "f has no argument 's'; did you mean 't:'? (valid names: t:)"
      ])
    #expect(messages("n(2)", in: session) == ["'n' is a number, not a function; only functions can be called"])
    #expect(
      messages("[1, 2](0)", in: session) == ["a tensor [2] is not a function; only functions can be called"])
    #expect(messages("qwerty(1)", in: session) == ["unknown function 'qwerty'"])
    #expect(messages("fo(1)", in: session) == ["unknown function 'fo'; did you mean 'f'?"])
    #expect(messages("map(3, list(1))", in: session) == ["map: f must be a function, got number"])
    #expect(messages("def softmax(x) = x", in: session) == ["'softmax' is a builtin function; choose another name"])
    #expect(messages("batch = 3", in: session) == ["'batch' is a builtin function; choose another name"])
    // Inside a function, parameters and locals may take a builtin's name: theirs
    // within, the builtin outside (a builtin added later cannot break them).
    _ = try session.values("def g(sum) = sum * 2\ndef h(x) {\n  batch = x + 1\n  return batch\n}")
    #expect(try session.value("g(3)") == .number(6))
    #expect(try session.value("h(1)") == .number(2))
    #expect(try session.value("sum([1, 2])") == .number(3))
    #expect(try session.value("def k(f) = (sum -> sum(f))(x -> x + 1)\nk(4)") == .number(5), "a lambda's parameter too")
  }

  @Test func errorsInsideFunctionsCarryTheCallStack() throws {
    let session = Session()
    _ = try session.values(
      "def inner(q, K) = dot(q, K)\ndef middle(x) = inner(x, eye(2))", name: "defs.attn")
    let errors = session.errors("middle([1, 2, 3])")
    #expect(errors.map(\.message) == ["dot: last axes differ: [3] vs [2, 2]"])
    let error = try #require(errors.first)
    #expect(error.source?.name == "defs.attn")
    #expect(error.callStack.map(\.function) == ["inner", "middle"])
    #expect(error.callStack.map(\.source.name) == ["defs.attn", "test.attn"])
    // Rendered innermost first, each call under its own caret.
    let rendered = DiagnosticRenderer().render(
      Diagnostics(source: SourceFile(name: "test.attn", text: "middle([1, 2, 3])"), items: errors))
    #expect(
      rendered == """
        defs.attn:1:19: error: dot: last axes differ: [3] vs [2, 2]
        def inner(q, K) = dot(q, K)
                          ^~~~~~~~~
        defs.attn:2:17: note: in inner, called here
        def middle(x) = inner(x, eye(2))
                        ^~~~~~~~~~~~~~~~
        test.attn:1:1: note: in middle, called here
        middle([1, 2, 3])
        ^~~~~~~~~~~~~~~~~
        """)
  }

  // MARK: Control flow

  @Test func loopsAndConditions() throws {
    let session = Session()
    #expect(try session.value("s = 0\nfor i in range(5) { s = s + i }\ns") == .number(10))
    #expect(try session.value("s = 0\nfor i in range(2, 10, 3) { s += i }\ns") == .number(15))
    #expect(try session.value("s = 0\nfor i in range(5, 0, -2) { s += i }\ns") == .number(9))
    #expect(try session.value("c = \"\"\nfor ch in \"abc\" { c = ch + c }\nc") == .string("cba"))
    #expect(try session.value("t = 0\nfor row in [[1, 2], [3, 4]] { t += row[1] }\nt") == .number(6))
    #expect(try session.value("t = 0\nfor x in list(1, \"a\", 2) { if x != \"a\" { t += x } }\nt") == .number(3))
    #expect(
      try session.value("n = 0\nwhile true {\n  n += 1\n  if n % 2 == 0 { continue }\n  if n > 6 { break }\n}\nn")
        == .number(7))
    #expect(
      try session.values("for x in list(-1, 0, 1) { if x > 0 { \"pos\" } else if x < 0 { \"neg\" } else { \"zero\" } }")
        == [.string("neg"), .string("zero"), .string("pos")])
    // The loop variable stays, as in Python; a loop over nothing runs nothing.
    #expect(try session.value("for k in range(3) { }\nk") == .number(2))
    #expect(try session.value("m = 5\nfor m in list() { }\nm") == .number(5))
    #expect(try session.value("not 0 and (1 or qwerty)") == .number(1))
    #expect(try session.value("0 and qwerty") == .number(0))
  }

  @Test func conditionsMustBeOneNumber() {
    #expect(
      messages("if [1, 2] > 0 { 1 }") == [
        "a condition must be a number or a one-element tensor, got a tensor [2]; reduce it first, e.g. with max(…) or sum(…)"
      ])
    #expect(messages("while \"yes\" { }") == ["a condition must be a number or a one-element tensor, got a string"])
    #expect(messages("if [[1]] { 2 }").isEmpty)
  }

  @Test func flowMistakesAreFoundBeforeRunning() {
    let session = Session()
    #expect(messages("x = 1\nbreak", in: session) == ["'break' is only allowed inside a loop"])
    #expect(session.variables["x"] == nil, "nothing ran")
    #expect(messages("continue") == ["'continue' is only allowed inside a loop"])
    #expect(messages("return 1") == ["'return' is only allowed inside a function"])
    #expect(messages("def f() {\n  break\n}") == ["'break' is only allowed inside a loop"])
    #expect(
      messages("for i in 3 { }") == [
        "cannot iterate over a number; a list, a string, a tensor (by rows) or range(n) can be"
      ])
    #expect(messages("for i in range(0, 5, 0) { }") == ["range: the step cannot be 0"])
    #expect(messages("for i in range(1.5) { }") == ["a range bound must be a whole number, got 1.5"])
  }

  /// A loop at the top level keeps its completed iterations; the failed one
  /// is undone (LoopUndoTests has the rest of the rule).
  @Test func aFailedLoopKeepsItsCompletedIterations() throws {
    let session = Session()
    _ = try session.values("s = 0\nl = list()")
    #expect(
      messages("for i in range(10) {\n  s = s + i\n  l = append(l, i)\n  if i == 5 { qwerty }\n}", in: session)
        == [
          "unknown name 'qwerty'",
          "the loop kept what its 5 completed iterations did; the one that failed was undone",
        ])
    #expect(try session.value("s") == .number(10))
    #expect(try session.value("len(l)") == .number(5))
    #expect(session.variables["i"] == .number(4))
  }

  @Test func aStopInsideALoopEndsItAndKeepsTheVariables() async throws {
    let session = Session()
    _ = try session.values("done = 1")
    // The session goes to the task; this one keeps only its stop request
    // until the task is done.
    let stop = session.stop
    nonisolated(unsafe) let handedOver = session
    let task = Task.detached { handedOver.errors("n = 0\nwhile true { n += 1 }").map(\.message) }
    try await Task.sleep(for: .milliseconds(200))
    stop.request()
    #expect(await task.value.first == "interrupted")
    #expect(session.variables["n"] != nil, "the assignment before the loop ran")
    #expect(try session.value("done") == .number(1))
  }

  // MARK: Lists, records, strings

  @Test func lists() throws {
    let session = Session()
    _ = try session.values("l = list(1, \"two\", [3, 4])\nl = append(l, 5)")
    #expect(try session.value("l[0]") == .number(1))
    #expect(try session.value("l[-1]") == .number(5))
    #expect(try session.value("l[2]") == .tensor(Tensor([3, 4])))
    #expect(try session.value("l[1:3]") == .list([.string("two"), .tensor(Tensor([3, 4]))]))
    #expect(try session.value("len(l)") == .number(4))
    #expect(try session.value("len(l + l)") == .number(8))
    #expect(try session.value("list()") == .list([]))
    #expect(try session.value("range(3)") == .list([.number(0), .number(1), .number(2)]))
    #expect(try session.value("l[0] = 10\nl[0]") == .number(10))
    #expect(try session.value("stack(list([1, 2], [3, 4]))") == .tensor(try Tensor(rows: [[1, 2], [3, 4]])))
    #expect(messages("l[9]", in: session) == ["index 9 is out of range for a list of 4"])
    #expect(messages("append(3, 4)", in: session) == ["append: l must be a list, got number"])
    #expect(
      messages("l * 2", in: session) == [
        "'*' cannot combine a list of 4 and a number; lists join with '+' only: use map(f, l), or keep tensors in a record"
      ])
  }

  @Test func listsAreValues() throws {
    let session = Session()
    _ = try session.values("a = list(1, 2)\nb = a\nb = append(b, 3)\nb[0] = 9")
    #expect(try session.value("a") == .list([.number(1), .number(2)]))
    #expect(try session.value("b") == .list([.number(9), .number(2), .number(3)]))
    _ = try session.values("def grow(l) {\n  l = append(l, 0)\n  return len(l)\n}")
    #expect(try session.value("grow(a)") == .number(3))
    #expect(try session.value("len(a)") == .number(2))
  }

  /// Appending to a list only one variable holds does not copy it: 20 000
  /// appends take far less than the quadratic copying would.
  @Test func appendingInPlaceIsCheap() throws {
    let session = Session()
    let start = ContinuousClock.now
    _ = try session.values("l = list()\nfor i in range(20000) { l = append(l, i) }")
    #expect(try session.value("len(l)") == .number(20000))
    #expect(ContinuousClock.now - start < .seconds(5))
  }

  @Test func records() throws {
    let session = Session()
    _ = try session.values("r = {wq: eye(2), lr: 0.1}\nr.lr = 0.2\nr.steps = 3")
    #expect(try session.value("r.lr") == .number(0.2))
    #expect(try session.value("r.steps") == .number(3))
    #expect(try session.value("r[\"lr\"]") == .number(0.2))
    #expect(try session.value("{}") == .record(Record([])))
    _ = try session.values("m = {layer: {w: [1, 2]}, b: 1}\nm.layer.w[0] = 5")
    #expect(try session.value("m.layer.w") == .tensor(Tensor([5, 2])))
    // Records with the same fields combine field by field, as do a record and a number.
    _ = try session.values("p = {w: [1, 2], b: 1}\ng = {b: 10, w: [10, 20]}")
    #expect(try session.value("p - 0.1 * g") == .record(Record([("w", .tensor(Tensor([0, 0]))), ("b", .number(0))])))
    #expect(try session.value("(p + p).w") == .tensor(Tensor([2, 4])))
    #expect(try session.value("-p == p * -1") == .number(1))
    #expect(messages("p + {w: 1}", in: session) == ["'+' needs records with the same fields: {w, b} vs {w}"])
    #expect(
      messages("p + {w: [1, 2, 3], b: 0}", in: session) == [
        "field 'w': +: shapes [2] and [3] cannot be broadcast together"
      ])
    #expect(messages("p @ p", in: session) == ["'@' does not apply to records; use it on their fields"])
    #expect(messages("r.qwerty", in: session).first?.hasPrefix("no field 'qwerty'") == true)
    #expect(messages("x = 1\nx.y = 2") == ["cannot set field 'y' of a number; only records have fields"])
  }

  @Test func fieldsListsARecordsNamesInOrder() throws {
    let session = Session()
    _ = try session.values("r = {wq: eye(2), lr: 0.1}\nr.b = 3")
    #expect(try session.value("fields(r)") == .list(["wq", "lr", "b"].map { .string($0) }))
    #expect(try session.value("r[fields(r)[1]]") == .number(0.1))
    #expect(try session.value("fields({})") == .list([]))
    #expect(messages("fields(list(1))", in: session) == ["fields: r must be a record, got list of 1"])
  }

  @Test func strings() throws {
    let session = Session()
    _ = try session.values("s = \"emma\"")
    #expect(try session.value("s[0]") == .string("e"))
    #expect(try session.value("s[-1]") == .string("a"))
    #expect(try session.value("s[1:3]") == .string("mm"))
    #expect(try session.value("len(s)") == .number(4))
    #expect(try session.value("chars(s)") == .list(["e", "m", "m", "a"].map { .string($0) }))
    #expect(try session.value("\"a\" + \"b\"") == .string("ab"))
    #expect(try session.value("str(0.5)") == .string("0.5000"))
    #expect(try session.value("str(\"x\")") == .string("x"))
    #expect(try session.value("\"a\" < \"b\"") == .number(1))
    #expect(try session.value("s == \"emma\"") == .number(1))
    #expect(try session.value("s == 3") == .number(0))
    #expect(messages("s[0] = \"E\"", in: session) == ["strings cannot be changed in place; build a new one with +"])
    var printed: [Output] = []
    try session.execute(SourceFile(name: "t", text: "print(\"loss\", 0.25, list(1))")) { printed.append($0) }
    #expect(printed.map(\.value) == [.text("loss 0.2500 list(1)")])
  }

  /// `split` follows Python's `str.split`: without a separator, runs of white space separate
  /// and no piece is empty; with one, every occurrence separates.
  @Test func splittingStrings() throws {
    let session = Session()
    func strings(_ items: String...) -> Value { .list(items.map { .string($0) }) }
    #expect(try session.value("split(\"the cat  sat\")") == strings("the", "cat", "sat"))
    #expect(try session.value("split(\" a\\tb\\nc \")") == strings("a", "b", "c"))
    #expect(try session.value("split(\"\")") == strings())
    #expect(try session.value("split(\"a,b,,c\", sep: \",\")") == strings("a", "b", "", "c"))
    #expect(try session.value("split(\",a,\", sep: \",\")") == strings("", "a", ""))
    #expect(try session.value("split(\"\", sep: \",\")") == strings(""))
    #expect(try session.value("split(\"a::b\", sep: \"::\")") == strings("a", "b"))
    #expect(try session.value("split(\"éa b\")") == strings("éa", "b"))
    #expect(
      messages("split(\"abc\", sep: \"\")", in: session) == ["split: sep is empty; chars(s) gives the characters"])
    #expect(messages("split(3)", in: session).first?.hasPrefix("split:") == true)
  }

  @Test func tensorElementsCanBeAssigned() throws {
    let session = Session()
    _ = try session.values("x = zeros(2, 3)\ny = x\nx[1] = [1, 2, 3]\nx[0, 0] = 7\nx[:, 2] = 9")
    #expect(try session.value("x") == .tensor(try Tensor(rows: [[7, 0, 9], [1, 2, 9]])))
    #expect(try session.value("y") == .tensor(try Tensor(rows: [[0, 0, 0], [0, 0, 0]])), "y was a copy")
    #expect(messages("x[5] = 1", in: session) == ["index: index 5 is out of range for axis 0 with size 2 in [2, 3]"])
    #expect(
      messages("x[0] = [1, 2]", in: session) == ["index assignment: shapes [2] and [3] cannot be broadcast together"])
  }

  @Test func assignmentMistakes() {
    #expect(messages("inf = 3") == ["cannot assign to the constant 'inf'"])
    #expect(messages("nothing.x = 1") == ["unknown name 'nothing'"])
    #expect(messages("l = list(1)\nl[0:1] = 2") == ["assign to one item of a list at a time, as in l[0] = x"])
  }

  // MARK: Help, completion, JSON

  @Test func commentsAboveADefAreItsHelp() throws {
    let session = Session()
    _ = try session.values(
      """
      # unrelated
      x = 1
      # Softmax attention written out:
      # weights from scaled dot products.
      def attention(q, K, V) = softmax(dot(q, K)) @ V
      """, name: "lesson.attn")
    guard case .text(let page) = try session.value("help(attention)") else {
      Issue.record("help gives text")
      return
    }
    #expect(
      page == """
        attention(q, K, V)
          Softmax attention written out:
          weights from scaled dot products.

        Defined at lesson.attn:5:
          def attention(q, K, V) = softmax(dot(q, K)) @ V
        """)
    #expect(try session.value("help(\"attention\")") == .text(page))
    #expect(session.namedArguments(of: "attention") == [])
    _ = try session.values("def scaled(x, t: 1) = x / t")
    #expect(session.namedArguments(of: "scaled") == ["t"])
    #expect(session.functionNames == ["attention", "scaled"])
  }

  @Test func jsonOfTheNewKinds() throws {
    let session = Session()
    _ = try session.values("def scaled(x, t: 1) = x / t")
    #expect(
      JSONEncoding.encode(try session.value("scaled"))
        == #"{"type": "function", "name": "scaled", "signature": "scaled(x, t: 1)"}"#)
    #expect(
      JSONEncoding.encode(try session.value("list(1, \"a\")"))
        == #"{"type": "list", "items": [{"type": "tensor", "shape": [], "data": [1]}, {"type": "string", "value": "a"}]}"#
    )
    #expect(
      JSONEncoding.encode(try session.value("{a: {b: 2}}"))
        == #"{"type": "record", "fields": {"a": {"type": "record", "fields": {"b": {"type": "tensor", "shape": [], "data": [2]}}}}}"#
    )
  }
}
