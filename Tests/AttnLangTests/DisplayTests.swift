import Attention
import AttnLang
import Testing
import _TestSupport

@Suite struct DisplayTests {
  func text(_ code: String, precision: Int = 4) throws -> String {
    var options = SessionOptions()
    options.display.precision = precision
    let session = Session(options: options)
    return ValueFormatter(options: options.display).format(try session.value(code))
  }

  @Test func scalarsAndVectors() throws {
    #expect(try text("softmax([1, 2, 3])") == "[0.0900, 0.2447, 0.6652]")
    #expect(try text("1 / 3") == "0.3333")
    #expect(try text("1 / 3", precision: 2) == "0.33")
    #expect(try text("[1, 20, -3]") == "[1, 20, -3]", "whole numbers in a vector print as written")
    #expect(try text("[[1, 20], [-3, 4]]") == "2×2 tensor\n[[ 1, 20],\n [-3,  4]]", "a matrix lines up its columns")
    #expect(try text("[inf, -inf, nan, 0.5]") == "[   inf,   -inf,    nan, 0.5000]")
    #expect(try text("[-0.00001, 1]") == "[0.0000, 1.0000]")
    #expect(try text("[1e9, 1]") == "[1000000000, 1]")
    #expect(try text("[1.5e9, 0.5]") == "[1.5000e+09, 5.0000e-01]")
    #expect(try text("[0.00001, 0.00002]") == "[1.0000e-05, 2.0000e-05]")
  }

  @Test func matricesHaveAShapeHeaderAndAlignedColumns() throws {
    #expect(
      try text("[[1, -2.5], [30, 4]]") == """
        2×2 tensor
        [[ 1.0000, -2.5000],
         [30.0000,  4.0000]]
        """)
    #expect(
      try text("reshape(arange(8), 2, 2, 2)") == """
        2×2×2 tensor
        [[[0, 1],
          [2, 3]],

         [[4, 5],
          [6, 7]]]
        """)
  }

  @Test func recordsPrintFieldByField() throws {
    #expect(
      try text("attend([1, 0], [[1, 0], [0, 1]])") == """
        scores: [1, 0]
        weights: [0.7311, 0.2689]
        output: [0.7311, 0.2689]
        """)
    #expect(
      try text("selfattend(eye(2), scale: 0)") == """
        scores: 2×2 tensor
          [[0, 0],
           [0, 0]]
        weights: 2×2 tensor
          [[0.5000, 0.5000],
           [0.5000, 0.5000]]
        output: 2×2 tensor
          [[0.5000, 0.5000],
           [0.5000, 0.5000]]
        """)
  }

  @Test func largeTensorsAreSummarized() throws {
    #expect(try text("arange(2000)") == "[0, 1, 2, …, 1997, 1998, 1999]")
    let lines = try text("zeros(40, 40)").split(separator: "\n")
    #expect(lines.count == 8)
    #expect(lines[4].trimmingCharacters(in: .whitespaces) == "…,")
  }

  @Test func stringsAndLists() throws {
    #expect(try text("\"über\"") == "\"über\"")
    #expect(try text("[\"a\", \"b\"]") == "list(\"a\", \"b\")")
    #expect(try text("list(1, \"two\", [3, 4])") == "list(1, \"two\", [3, 4])")
    #expect(try text("list(eye(2), 1)") == "list(\n  2×2 tensor\n  [[1, 0],\n   [0, 1]],\n  1)")
    #expect(try text("list()") == "list()")
  }

  /// A stop requested before or while a nested value prints cuts the text
  /// short with a note, and never loses the outermost level (a stop already
  /// requested when printing began crashed the formatter; found by fuzzing).
  @Test func aStopWhilePrintingCutsTheTextShort() throws {
    let session = Session()
    let small = try session.value("list(1, {a: 2})")
    let deep = try session.value("D = list()\nfor i in range(9000) { D = list(D, i) }\nD")
    let smallText = ValueFormatter().format(small)
    let deepText = ValueFormatter().format(deep)
    let stop = StopRequest()
    stop.request()
    ExecutionContext(stop: stop).run {
      #expect(ValueFormatter().format(small) == smallText, "small values print whole")
      let text = ValueFormatter().format(deep)
      let note = "\n… (printing stopped: interrupted)"
      #expect(text.hasSuffix(note), "\(text.suffix(80))")
      #expect(text.hasPrefix("list(") && text.count < deepText.count)
    }
  }

  @Test func json() throws {
    let session = Session()
    #expect(
      JSONEncoding.encode(try session.value("[[1, 0.5], [inf, nan]]"))
        == #"{"type": "tensor", "shape": [2, 2], "data": [1, 0.5, "inf", "nan"]}"#)
    #expect(JSONEncoding.encode(try session.value("3")) == #"{"type": "tensor", "shape": [], "data": [3]}"#)
    #expect(JSONEncoding.encode(.string("a\"\n")) == #"{"type": "string", "value": "a\"\n"}"#)
    #expect(
      JSONEncoding.encode(try session.value("attend([1], [[1]])"))
        == #"{"type": "record", "fields": {"scores": {"type": "tensor", "shape": [1], "data": [1]}, "weights": {"type": "tensor", "shape": [1], "data": [1]}, "output": {"type": "tensor", "shape": [1], "data": [1]}}}"#
    )
    #expect(Double(JSONEncoding.number(0.1 + 0.2)) == 0.1 + 0.2)
  }
}
