import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// A statement that fails part way is undone, except that a loop at the
/// top level keeps what its completed iterations did: an interrupted
/// training run keeps the parameters trained so far.
@Suite struct LoopUndoTests {
  @Test func aFailingIterationIsUndoneTheCompletedOnesStay() throws {
    let session = Session()
    _ = try session.values("k = 0\nl = list()")
    let errors = session.errors("for i in range(10) { k += 1; l = append(l, i); if i == 6 { x = [1, 2] @ [1, 2, 3] } }")
    #expect(errors.map(\.severity) == [.error, .note])
    #expect(errors.last?.message == "the loop kept what its 6 completed iterations did; the one that failed was undone")
    #expect(try session.value("k") == .number(6))
    #expect(try session.value("len(l)") == .number(6))
    #expect(try session.value("i") == .number(5), "the loop variable is as the last completed iteration left it")
  }

  @Test func aStatementWithoutALoopIsUndoneWhole() throws {
    let session = Session()
    _ = try session.values("a = 1")
    let errors = session.errors("if a == 1 { a = 2; b = 3; c = [1] @ [1, 2] }")
    #expect(errors.count == 1)
    #expect(try session.value("a") == .number(1))
    #expect(session.variableOrder.filter { $0 != "ans" } == ["a"], "names first given by the failed statement are gone")
  }

  @Test func aFailureBeforeTheFirstIterationEndsKeepsNothing() throws {
    let session = Session()
    _ = try session.values("k = 0")
    let errors = session.errors("for i in range(5) { k += 1; nope }")
    #expect(errors.count == 1)
    #expect(try session.value("k") == .number(0))
  }

  @Test func nestedLoopsKeepTheInnerIterationsDone() throws {
    let session = Session()
    _ = try session.values("n = 0")
    let errors = session.errors("for i in range(3) { for j in range(4) { if i == 1 and j == 2 { nope }; n += 1 } }")
    #expect(errors.last?.severity == .note)
    #expect(try session.value("n") == .number(6), "the 4 steps of i = 0 and the 2 of i = 1")
  }

  @Test func whileLoopsKeepTheirIterationsToo() throws {
    let session = Session()
    _ = try session.values("l = list()")
    _ = session.errors("while true { l = append(l, 1); if len(l) > 3 { l[10] } }")
    #expect(try session.value("len(l)") == .number(3))
  }

  /// A function's loop changes only the function's variables, which are
  /// gone when it fails: the statement that called it is undone whole.
  @Test func loopsInsideFunctionsDoNotKeepHalfAStatement() throws {
    let session = Session()
    _ = try session.values("def f(n) { t = 0; for i in range(n) { t += 1; if i == 3 { nope } }; return t }\nx = 1")
    let errors = session.errors("x = 2; y = f(10)")
    #expect(errors.count == 1, "no note: no loop at the top level finished an iteration")
    #expect(try session.value("x") == .number(2), "the statement before it, separated by ';', ran")
    #expect(session.value(of: "y") == nil)
  }

  @Test func anInterruptedLoopKeepsItsIterations() throws {
    let session = Session()
    _ = try session.values("k = 0")
    let stop = session.stop
    Thread.detachNewThread {
      usleep(200_000)
      stop.request()  // as Ctrl-C does
    }
    let errors = session.errors("for i in range(1000000000) { k += 1 }")
    #expect(errors.first?.message == "interrupted")
    let kept = try #require(errors.last?.message)
    #expect(kept.hasSuffix("completed iterations did; the one interrupted was undone"), "\(kept)")
    guard case .number(let k) = try session.value("k") else { return #expect(Bool(false)) }
    #expect(k > 0 && kept.contains("its \(Int(k)) completed"), "\(kept), k = \(k)")
  }

  /// Checking a student's answer leaves no trace, loops or not.
  @Test func probingKeepsNothing() throws {
    let session = Session()
    _ = try session.values("k = 0")
    let values = try session.probe(SourceFile(name: "check", text: "for i in range(3) { k += 1; if i == 2 { k } }"))
    #expect(values == [.number(3)])
    #expect(try session.value("k") == .number(0))
  }
}

/// Changes made in place (an append, an item, a field, tensor elements) are
/// undone by their inverse, so a top-level loop keeps changing a value in
/// place without copying it at every step.
@Suite struct InPlaceLoopUndoTests {
  @Test func anAppendInTheFailedIterationIsTakenBack() throws {
    let session = Session()
    _ = try session.values("l = list()")
    _ = session.errors("for i in range(10) { l = append(l, i); l = append(l, -i); if i == 3 { nope } }")
    #expect(try session.value("len(l)") == .number(6))
    #expect(try session.value("l[-1]") == .number(-2))
  }

  @Test func itemsFieldsAndElementsSetInTheFailedIterationAreTakenBack() throws {
    let session = Session()
    _ = try session.values("l = list(0, 0, 0)\nr = {a: 1}\nx = zeros(2, 3)")
    let code = """
      for i in range(3) {
        l[i] = i + 10
        r.a = i
        x[1, i] = 5
        if i == 2 { r.b = 7; x[0] = [1, 2, 3]; l[0] = 99; nope }
      }
      """
    #expect(session.errors(code).last?.severity == .note)
    #expect(try session.value("l") == .list([.number(10), .number(11), .number(0)]))
    #expect(try session.value("r") == .record(Record([("a", .number(1))])), "the new field b is gone")
    #expect(try session.value("x") == session.value("[[0, 0, 0], [5, 5, 0]]"))
  }

  @Test func aValueReplacedAfterAnInPlaceChangeComesBackWhole() throws {
    let session = Session()
    _ = try session.values("l = list(1)")
    _ = session.errors("for i in range(2) { l = append(l, 2); if i == 1 { l = list(); l = append(l, 5); nope } }")
    #expect(try session.value("l") == .list([.number(1), .number(2)]))
  }

  /// 20 000 appends at the top level with every iteration undoable: well
  /// under the time copying the list at each step would take.
  @Test func appendingInATopLevelLoopStaysLinear() throws {
    let session = Session()
    let start = ContinuousClock.now
    _ = try session.values("l = list()\nx = zeros(20000)\nfor i in range(20000) { l = append(l, i); x[i] = i }")
    #expect(try session.value("len(l)") == .number(20000))
    #expect(ContinuousClock.now - start < .seconds(5))
  }
}

/// `x[m]` with a 0/1 tensor shaped like x (or as long as its rows) is a
/// boolean mask, as in NumPy; never the rows named 0 and 1.
@Suite struct BooleanMaskTests {
  @Test func aComparisonSelects() throws {
    let session = Session()
    _ = try session.values("x = [1, 2, 3]\nX = [[1, -2], [3, 4]]")
    #expect(try session.value("x[x > 1]") == session.value("[2, 3]"))
    #expect(try session.value("X[X > 0]") == session.value("[1, 3, 4]"))
    #expect(try session.value("X[[0, 1]]") == session.value("[[3, 4]]"))
    #expect(try session.value("shape(x[x > 5])") == session.value("[0]"))
    #expect(try session.value("eye(3)[[2, 0, 2]]") == session.value("[[0, 0, 1], [1, 0, 0], [0, 0, 1]]"))
    #expect(try session.value("grad(v -> sum(v[v > 1]), [1, 2, 3])") == session.value("[0, 1, 1]"))
  }
}
