import Attention
import Foundation
import Testing
import _TestSupport

@testable import AttnLang

/// `explain(…)`: the stages of each computation, with numbers checked
/// against values computed here by hand (not by the library).
@Suite struct ExplainTests {
  func explanation(_ code: String, in session: Session = Session()) throws -> Explanation {
    guard case .explanation(let explanation)? = try session.values(code).last else {
      Issue.record("no explanation from \(code)")
      return Explanation(call: "", summary: "", stages: [])
    }
    return explanation
  }

  func close(_ a: some Collection<Double>, _ b: some Collection<Double>, _ tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance || ($0.isInfinite && $0 == $1) }
  }

  @Test func attendShowsScoresScaleMaskingSoftmaxAndOutput() throws {
    let e = try explanation(
      "K = [[1, 0], [0, 1], [1, 1]]\nV = [[1, 2], [3, 4], [5, 6]]\nexplain(attend([[1, 0], [0, 1], [1, 1]], K, V, scale: 0.5, causal: true))"
    )
    #expect(e.stages.map(\.title) == ["scores", "scale", "masking", "softmax", "output"])
    #expect(e.call == "attend([[1, 0], [0, 1], [1, 1]], K, V, scale: 0.5, causal: true)")
    // Q Kᵀ by hand.
    #expect(close(e.stage("scores")?.tensor("scores")?.scalars ?? [], [1, 0, 1, 0, 1, 1, 1, 1, 2]))
    #expect(close(e.stage("scale")?.tensor("scaled")?.scalars ?? [], [0.5, 0, 0.5, 0, 0.5, 0.5, 0.5, 0.5, 1]))
    let masking = try #require(e.stage("masking"))
    #expect(masking.items.contains(.note("blocked (set to -inf, so their weight is 0): [0, 1] [0, 2] [1, 2]")))
    #expect(
      close(masking.tensor("masked")?.scalars ?? [], [0.5, -.infinity, -.infinity, 0, 0.5, -.infinity, 0.5, 0.5, 1]))
    // Row 1 keeps keys 0 and 1 with scores 0 and 0.5; row 2 all three.
    let w1 = 1 / (1 + exp(0.5))
    let z2 = 2 * exp(-0.5) + 1
    let weights: [Double] = [1, 0, 0, w1, 1 - w1, 0, exp(-0.5) / z2, exp(-0.5) / z2, 1 / z2]
    #expect(close(e.stage("softmax")?.tensor("weights")?.scalars ?? [], weights))
    let values: [[Double]] = [[1, 2], [3, 4], [5, 6]]
    var output: [Double] = []
    for i in 0..<3 {
      for c in 0..<2 {
        var total = 0.0
        for j in 0..<3 { total += weights[i * 3 + j] * values[j][c] }
        output.append(total)
      }
    }
    #expect(close(e.stage("output")?.tensor("output")?.scalars ?? [], output))
    // The entry written out is the first query's most attended key, with its products and their sum.
    let products = try #require(e.stage("scores")?.tables.first)
    #expect(products.caption.hasPrefix("s[0, 0] = q[0] · k[0]"))
    #expect(products.rows.last == ["sum", "", "", "1"])
    // One output as a weighted sum of the value rows.
    #expect(e.stage("output")?.tables.first?.rows.last == ["sum", "", "", "[1, 2]"])
  }

  @Test func withoutMaskOrScaleThereIsNothingToBlock() throws {
    let e = try explanation("explain(attend([1, 0], [[1, 0], [0, 1]]))")
    #expect(e.stages.map(\.title) == ["scores", "scale", "softmax", "output"])
    #expect(e.stage("scale")?.items == [.note("scale 1: the scores go on as they are")])
    let table = try #require(e.stage("softmax")?.tables.first)
    #expect(table.headers == ["j", "s", "s − max", "exp", "weight"])
    #expect(table.rows[1] == ["1", "0", "-1", "0.3679", "0.2689"])
  }

  @Test func softmaxWithTemperatureWritesOutEachStep() throws {
    let e = try explanation("explain(softmax([1, 2, 3], temperature: 2))")
    let table = try #require(e.stages.first?.tables.first)
    #expect(table.headers[2] == "(s − max)/T")
    #expect(table.rows.map { $0[2] } == ["-1", "-0.5000", "0", ""])
    let z = exp(-1) + exp(-0.5) + 1
    #expect(close(e.stage("result")?.tensor("weights")?.scalars ?? [], [exp(-1) / z, exp(-0.5) / z, 1 / z]))
    #expect(table.rows.last == ["sum", "", "", String(format: "%.4f", z), "1"])
  }

  @Test func gradListsTheForwardAndBackwardPassesNodeByNode() throws {
    let e = try explanation("explain(grad(x -> sum(x * x), [1, 2]))")
    #expect(e.stages.map(\.title) == ["forward pass", "backward pass", "gradient"])
    let forward = try #require(e.stage("forward pass")?.tables.first)
    #expect(
      forward.rows.map { Array($0[0...2]) } == [["n0", "input", ""], ["n1", "*", "n0, n0"], ["n2", "sum", "n1"]])
    #expect(forward.rows.map(\.last) == ["[1, 2] [2]", "[1, 4] [2]", "5"])
    let backward = try #require(e.stage("backward pass")?.tables.first)
    #expect(backward.rows.map(\.first) == ["n2", "n1", "n0"])
    #expect(backward.rows.map { $0[2] } == ["1", "[1, 1] [2]", "[2, 4] [2]"])
    #expect(e.stage("gradient")?.items == [.note("[2, 4]")])
  }

  @Test func selfattendStartsWithTheProjections() throws {
    let session = Session()
    let e = try explanation(
      "X = [[1, 0], [0, 2], [1, 1]]\nW = [[1, 2], [0, 1]]\nexplain(selfattend(X, wq: W, wk: eye(2), wv: W))",
      in: session)
    #expect(e.stages.first?.title == "projections")
    #expect(close(e.stages[0].tensor("Q")?.scalars ?? [], [1, 2, 0, 2, 1, 3]))
    #expect(e.stage("scale")?.formula.contains("d_k = 2") == true)
    let direct = try session.value("selfattend(X, wq: W, wk: eye(2), wv: W).output")
    #expect(close(e.stage("output")?.tensor("output")?.scalars ?? [], direct.tensor?.scalars ?? []))
  }

  @Test func multiheadGoesHeadByHead() throws {
    let session = Session()
    let e = try explanation(
      "X = randn(3, 4, seed: 1)\nexplain(multihead(X, heads: 2, causal: true, seed: 5))", in: session)
    #expect(
      e.stages.map(\.title) == ["projections", "split", "head 0", "head 1", "concatenate", "output projection"])
    let result = try session.value("multihead(X, heads: 2, causal: true, seed: 5)")
    guard case .record(let record) = result, let weights = record["weights"]?.tensor,
      let output = record["output"]?.tensor
    else {
      Issue.record("multihead gives no record")
      return
    }
    #expect(close(e.stage("head 0")?.tensor("weights")?.scalars ?? [], Array(weights.scalars[0..<9]), 1e-12))
    #expect(close(e.stage("head 1")?.tensor("weights")?.scalars ?? [], Array(weights.scalars[9..<18]), 1e-12))
    #expect(close(e.stage("output projection")?.tensor("output")?.scalars ?? [], output.scalars))
    #expect(e.stage("head 0")?.tensor("weights")?.scalars[1] == 0, "causal: the first token sees only itself")
  }

  @Test func layernormPosencCrossentropyAndDot() throws {
    let norm = try explanation("explain(layernorm([[1, 2, 4]]))")
    let mean = 7.0 / 3
    let variance = [1.0, 2, 4].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3
    #expect(norm.stages[0].items == [.note("the first row: μ = 2.3333, σ² = \(String(format: "%.4f", variance))")])
    #expect(
      close(
        norm.stage("result")?.tensor("y")?.scalars ?? [],
        [1.0, 2, 4].map { ($0 - mean) / (variance + 1e-5).squareRoot() }))

    let pe = try explanation("explain(posenc(4, 6))")
    let rows = try #require(pe.stages.first?.tables.first?.rows)
    #expect(rows[0] == ["PE[1, 0]", "sin", "1 / 10000^(0/6) = 1", String(format: "%.4f", sin(1.0))])
    #expect(rows[3].last == String(format: "%.4f", cos(1 / pow(10000, 2.0 / 6))))

    let loss = try explanation("explain(crossentropy([[2, 1, 0], [0, 1, 3]], [0, 2]))")
    let logSum0 = log(exp(2.0) + exp(1) + exp(0))
    let logSum1 = log(exp(0.0) + exp(1) + exp(3))
    let expected = ((logSum0 - 2) + (logSum1 - 3)) / 2
    #expect(close(loss.stage("loss")?.tensor("loss")?.scalars ?? [], [expected]))
    #expect(loss.stage("the right class")?.tables.first?.rows.last?.last == String(format: "%.4f", expected))

    let products = try explanation("explain(dot([1, 2, 3], [4, 5, 6]))")
    #expect(products.stages[0].tables.first?.rows.last == ["sum", "", "", "32"])
  }

  @Test func labelsCarryThroughToTablesAndPictures() throws {
    let e = try explanation(
      "explain(attend([[1, 0], [0, 1]], [[1, 0], [0, 1]]), rows: [\"le\", \"chat\"], cols: [\"the\", \"cat\"])")
    #expect(e.stage("softmax")?.tables.first?.rows.map(\.first) == ["the", "cat", "sum"])
    let figure = e.stage("softmax")?.items.compactMap { if case .figure(let f) = $0 { f } else { nil } }.first
    #expect(figure?.rowLabels == ["le", "chat"])
    #expect(figure?.columnLabels == ["the", "cat"])
  }

  @Test func largeTensorsAreSummarizedNotPrinted() throws {
    let session = Session()
    let text = ValueFormatter().format(
      .explanation(try explanation("explain(selfattend(randn(30, 8, seed: 2)))", in: session)))
    #expect(text.contains("scores: shape [30, 30], from "))
    #expect(text.split(separator: "\n").count < 120, "explain never floods the terminal")
    #expect(text.contains("(18 more)"))
  }

  @Test func mistakesAreCaughtBeforeAnythingRuns() {
    let cases: [(String, String)] = [
      ("explain(1)", "explain shows a call written inside it"),
      (
        "explain(mean([1]))",
        "explain can show attend, crossentropy, dot, flashattend, grad, layernorm, multihead, posenc, selfattend, softmax; not mean"
      ),
      ("explain(softmax([1]), foo: 1)", "explain has no argument 'foo'; it takes rows: and cols:"),
      ("explain(softmax([1]), rows: 3)", "explain: labels must be a list of strings"),
      ("f = explain\nf(softmax([1]))", "explain needs the call to show written inside it"),
      ("explain(attend([1, 0], [[1, 2, 3]]))", "queries and keys differ"),
    ]
    for (code, message) in cases {
      let errors = Session().errors(code)
      #expect(errors.first?.message.contains(message) == true, "\(code): \(errors.map(\.message))")
    }
  }

  @Test func jsonKeepsTheStructure() throws {
    let json = JSONEncoding.encode(.explanation(try explanation("explain(softmax([1, 2]))")))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["type"] as? String == "explanation")
    let stages = try #require(object["stages"] as? [[String: Any]])
    #expect(stages.map { $0["title"] as? String } == ["one lane, step by step", "result"])
  }

  @Test func flashattendShowsTheOnlineSoftmaxBlockByBlock() throws {
    let e = try explanation(
      "K = [[1, 0], [0, 1], [1, 1], [0, 2], [2, 0]]\nexplain(flashattend([1, 0], K, K, block: 2))")
    #expect(e.stages.map(\.title) == ["blocks", "the first query, block by block", "output"])
    let table = try #require(e.stages[1].tables.first)
    #expect(table.rows.map { $0[1] } == ["0…1", "2…3", "4…4"])
    // Scores 1, 0 | 1, 0 | 2: the max rises in the last block, so what came before is rescaled by e^(1−2).
    #expect(table.rows.map { $0[3] } == ["1", "1", "2"])
    #expect(table.rows.map { $0[4] } == ["0", "1", String(format: "%.4f", exp(-1.0))])
    let sum = (2 * exp(-1.0) + 2 * exp(-2.0)) + 1
    #expect(table.rows.last?.last == String(format: "%.4f", sum))
  }
}
