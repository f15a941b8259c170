import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

@Suite struct InterpreterTests {
  /// Every operator between tensors is the library's elementwise operation
  /// of the same spelling (`@` is the product), and so between numbers.
  @Test func operatorsAreTheLibrarysOperations() throws {
    let (a, b) = (Tensor([1, -2, 3.5, 0]), Tensor([3, 2, -1.5, 0]))
    for op in BinaryOperator.allCases where op != .matmul {
      let operation = try #require(BinaryOperation(rawValue: op.rawValue))
      let session = Session()
      let given = try session.value("[1, -2, 3.5, 0] \(op.rawValue) [3, 2, -1.5, 0]")
      let expected = try elementwise(a, operation, b)
      #expect(
        given.tensor.map { zip($0.scalars, expected.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
          == true, "\(op)")
      let number = try session.value("3 \(op.rawValue) 2")
      #expect(number.tensor?.scalarValue == operation.function(3, 2), "\(op) between numbers")
    }
    #expect(try Session().value("[1, 2] @ [3, 4]").tensor?.scalarValue == 11)
  }

  @Test func assignmentsPrintNothingExpressionsPrint() throws {
    let session = Session()
    #expect(try session.values("x = 2\ny = x * 3\ny\ny;") == [.tensor(Tensor(6))])
    #expect(try session.value("ans") == .tensor(Tensor(6)))
  }

  @Test func variablesSurviveErrors() throws {
    let session = Session()
    _ = try session.values("x = [1, 2, 3]")
    #expect(session.errors("x = dot(x, [1, 2])").map(\.message) == ["dot: last axes differ: [3] vs [2]"])
    #expect(try session.value("x") == .tensor(Tensor([1, 2, 3])))
  }

  @Test func fileStopsAtFirstError() {
    let session = Session()
    #expect(session.errors("a = 1\nb = nope\nc = 3").count == 1)
    #expect(session.variables["a"] != nil)
    #expect(session.variables["c"] == nil)
  }

  @Test func syntaxErrorsRunNothing() {
    let session = Session()
    #expect(session.errors("a = 1\nb = (").count == 1)
    #expect(session.variables["a"] == nil)
  }

  @Test func unknownNamesSuggest() throws {
    let session = Session()
    #expect(session.errors("sofmax([1])").map(\.message) == ["unknown function 'sofmax'; did you mean 'softmax'?"])
    _ = try? session.values("weights = [1]")
    #expect(session.errors("wieghts").map(\.message) == ["unknown name 'wieghts'; did you mean 'weights'?"])
    #expect(session.errors("qqqqqq").map(\.message) == ["unknown name 'qqqqqq'"])
    #expect(try session.value("softmax") == .function(try #require(Builtins.function(named: "softmax"))))
    #expect(session.errors("inf = 3").map(\.message) == ["cannot assign to the constant 'inf'"])
    #expect(session.errors("dot = 3").map(\.message) == ["'dot' is a builtin function; choose another name"])
  }

  @Test func literalsAndLists() throws {
    let session = Session()
    #expect(try session.value("[[1, 2], [3, 4]]") == .tensor(try Tensor(rows: [[1, 2], [3, 4]])))
    #expect(try session.value("[]") == .tensor(Tensor([])))
    #expect(try session.value("[\"le\", \"chat\"]") == .list([.string("le"), .string("chat")]))
    #expect(try session.value("[\"le\", \"chat\"][-1]") == .string("chat"))
    #expect(try session.value("[inf, -inf, nan] == [inf, -inf, nan]") == .tensor(Tensor([1, 1, 0])))
    #expect(try session.value("[true, false, pi > 3]") == .tensor(Tensor([1, 0, 1])))
    #expect(
      session.errors("[[1, 2], [3]]").map(\.message) == [
        "ragged tensor literal: element 1 has shape [1] but element 0 has [2]"
      ])
    #expect(try session.value("[1, \"a\"]") == .list([.number(1), .string("a")]))
    #expect(session.errors("[[[[[1]]]]]").map(\.message) == ["tensor literal is nested deeper than rank 4"])
  }

  @Test func indexingAndFields() throws {
    let session = Session()
    _ = try session.values("A = [[1, 2, 3], [4, 5, 6]]\nr = attend([1, 0], eye(2))")
    #expect(try session.value("A[1]") == .tensor(Tensor([4, 5, 6])))
    #expect(try session.value("A[:, 0]") == .tensor(Tensor([1, 4])))
    #expect(try session.value("A[0, 1:3]") == .tensor(Tensor([2, 3])))
    #expect(try session.value("A[-1, -1]") == .tensor(Tensor(6)))
    #expect(try session.value("A.T.shape") == .tensor(Tensor([3, 2])))
    #expect(
      session.errors("A[2]").map(\.message) == ["index: index 2 is out of range for axis 0 with size 2 in [2, 3]"])
    #expect(session.errors("A[0.5]").map(\.message) == ["an index must be a whole number, got 0.5"])
    #expect(
      session.errors("r.weight").map(\.message) == [
        "no field 'weight'; this record has 'scores', 'weights', 'output'; did you mean 'weights'?"
      ])
    #expect(
      session.errors("A.size").map(\.message) == [
        "no field 'size' on a tensor; tensors have '.T', '.shape' and '.dtype'"
      ])
    #expect(
      session.errors("r[0]").map(\.message) == ["a record is indexed by a field name in quotes, as in r[\"weights\"]"])
    #expect(try session.value("r[\"weights\"]") == session.value("r.weights"))
    #expect(
      session.errors("\"a\" + 1").map(\.message) == [
        "'+' cannot combine a string and a number; turn the number into text with str(x)"
      ])
  }

  @Test func everyOperator() throws {
    let session = Session()
    let cases: [(String, [Double])] = [
      ("[1, 2, 3] + 1", [2, 3, 4]), ("[1, 2, 3] - 1", [0, 1, 2]), ("[1, 2, 3] * 2", [2, 4, 6]),
      ("[1, 2, 3] / 2", [0.5, 1, 1.5]), ("[1, 2, 3] ^ 2", [1, 4, 9]), ("[1, 2, 3] < 2", [1, 0, 0]),
      ("[1, 2, 3] <= 2", [1, 1, 0]), ("[1, 2, 3] > 2", [0, 0, 1]), ("[1, 2, 3] >= 2", [0, 1, 1]),
      ("[1, 2, 3] == 2", [0, 1, 0]), ("[1, 2, 3] != 2", [1, 0, 1]), ("[[1, 2], [3, 4]] @ [1, 1]", [3, 7]),
    ]
    for (code, expected) in cases {
      #expect(try session.value(code) == .tensor(Tensor(expected)), "\(code)")
    }
  }

  @Test func errorsPointAtTheirRange() throws {
    let source = "x = [1, 2, 3]\ny = dot(x, [1, 2])"
    let diagnostics = Session().errors(source)
    let file = SourceFile(name: "f.attn", text: source)
    #expect(
      DiagnosticRenderer().render(Diagnostics(source: file, items: diagnostics)) == """
        f.attn:2:5: error: dot: last axes differ: [3] vs [2]
        y = dot(x, [1, 2])
            ^~~~~~~~~~~~~~
        """)
  }

  /// Interruption is per session: a stop requested from another thread ends
  /// this session's statement (keeping its variables) and no other session's.
  @Test func interruptFromAnotherThreadStopsOnlyThisSession() throws {
    let session = Session()
    let bystander = Session()
    _ = try session.values("x = 1\nA = randn(1200, 1200, seed: 1)")
    // From a thread of its own: a busy shared queue could run it only after
    // the chain. Only the session's stop request (Sendable) crosses threads.
    let stop = session.stop
    Thread {
      Thread.sleep(forTimeInterval: 0.05)
      stop.request()
    }.start()
    let chain = "y = A" + String(repeating: " @ A", count: 60)
    let errors = session.errors(chain)
    #expect(errors.map(\.message) == ["interrupted"])
    #expect(try session.value("x") == .tensor(Tensor(1)))
    #expect(session.variables["y"] == nil)
    #expect(try bystander.value("1 + 1") == .tensor(Tensor(2)))
    // The next statement runs normally.
    #expect(try session.value("x + 1") == .tensor(Tensor(2)))
  }

  /// A session keeps its runtime for the next evaluation, without the
  /// runtime keeping the session: it goes when its last reference does.
  @Test func aSessionGoesWithItsLastReference() throws {
    weak var released: Session?
    do {
      let session = Session()
      released = session
      _ = try session.values("def f(n) {\n  if n == 0 { return 0 }\n  return 1 + f(n - 1)\n}")
      #expect(try session.value("f(200)") == .tensor(Tensor(200)))
    }
    #expect(released == nil)
  }

  /// An evaluation on another thread than the last one (another stack)
  /// runs deep recursion as the first did: the kept runtime finds that
  /// thread's stack floor again.
  @Test func anEvaluationOnAnotherThreadFindsItsOwnStack() throws {
    let session = Session()
    _ = try session.values("def f(n) {\n  if n == 0 { return 0 }\n  return 1 + f(n - 1)\n}")
    #expect(try session.value("f(200)") == .tensor(Tensor(200)))
    // Handed to another thread while this one waits, as a server's worker would run it.
    struct HandedOver: @unchecked Sendable { let session: Session }
    let handed = HandedOver(session: session)
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Value?
    let other = Thread {
      result = try? handed.session.value("f(300)")
      done.signal()
    }
    other.stackSize = 8 << 20
    other.start()
    done.wait()
    #expect(result == .tensor(Tensor(300)))
    #expect(try session.value("f(10)") == .tensor(Tensor(10)))
  }
}
