import Attention

/// JSON for values, as `attn run --json` writes them:
/// a tensor is `{"type": "tensor", "shape": [...], "data": [...]}` with the
/// data flat in row-major order, numbers at full (round-trip) precision of
/// their type and non-finite numbers as the strings `"nan"`, `"inf"`,
/// `"-inf"`; a float32 or bfloat16 tensor also has `"dtype": "float32"` (its
/// numbers written as the shortest decimals that round to them in float32:
/// `0.1`, not `0.10000000149011612`); a record is
/// `{"type": "record", "fields": {...}}`; a string is
/// `{"type": "string", "value": "..."}`; a list
/// `{"type": "list", "items": [...]}`; a function
/// `{"type": "function", "name": "f", "signature": "f(x, t: 1)"}`.
public enum JSONEncoding {
  /// The value as JSON. Lists and records are written with a worklist, not
  /// recursion: a value nested millions deep encodes in linear time.
  public static func encode(_ value: Value) -> String {
    enum Step {
      case value(Value)
      case text(String)
    }
    var json = ""
    var steps: [Step] = [.value(value)]
    let stop = ExecutionContext.current.stop
    var taken = 0
    while let step = steps.popLast() {
      taken += 1
      // A huge value honours a stop request: the encoding ends as valid JSON saying so.
      if taken & 0xFFF == 0, stop.isRequested { return #"{"type": "interrupted"}"# }
      switch step {
      case .text(let text): json += text
      case .value(.list(let items)):
        var plan: [Step] = [.text(#"{"type": "list", "items": ["#)]
        for (offset, item) in items.enumerated() {
          if offset > 0 { plan.append(.text(", ")) }
          plan.append(.value(item))
        }
        plan.append(.text("]}"))
        steps += plan.reversed()
      case .value(.record(let record)):
        var plan: [Step] = [.text(#"{"type": "record", "fields": {"#)]
        for (offset, field) in record.fields.enumerated() {
          plan += [.text((offset > 0 ? ", " : "") + string(field.name) + ": "), .value(field.value)]
        }
        plan.append(.text("}}"))
        steps += plan.reversed()
      case .value(let leaf): json += encodeLeaf(leaf)
      }
    }
    return json
  }

  /// A value that holds no others, as JSON.
  static func encodeLeaf(_ value: Value) -> String {
    switch value {
    case .number(let number):
      return #"{"type": "tensor", "shape": [], "data": [\#(self.number(number))]}"#
    case .function(let function):
      return
        #"{"type": "function", "name": \#(string(function.name)), "signature": \#(string(function.signature.text))}"#
    case .none:
      return #"{"type": "none"}"#
    case .tensor(let tensor):
      let shape = tensor.shape.map(String.init).joined(separator: ", ")
      guard tensor.dtype != .float64 else {
        let data = tensor.scalars.map(number).joined(separator: ", ")
        return #"{"type": "tensor", "shape": [\#(shape)], "data": [\#(data)]}"#
      }
      let data = tensor.scalars.map { singlePrecisionNumber($0) }.joined(separator: ", ")
      return #"{"type": "tensor", "shape": [\#(shape)], "dtype": "\#(tensor.dtype.rawValue)", "data": [\#(data)]}"#
    case .string(let text):
      return #"{"type": "string", "value": \#(string(text))}"#
    case .list, .record:
      return encode(value)
    case .text(let text):
      return #"{"type": "text", "value": \#(string(text))}"#
    case .explanation(let explanation):
      return encode(explanation)
    case .figure(let figure):
      var fields =
        #"{"type": "figure", "kind": "\#(figure.kind == .heatmap ? "heatmap" : figure.kind == .bars ? "bars" : "line")", "data": \#(encode(.tensor(figure.data)))"#
      if let rows = figure.rowLabels { fields += #", "rows": [\#(rows.map(string).joined(separator: ", "))]"# }
      if let columns = figure.columnLabels { fields += #", "cols": [\#(columns.map(string).joined(separator: ", "))]"# }
      return fields + "}"
    }
  }

  /// `{"type": "explanation", "call": …, "summary": …, "stages": [{"title", "formula", "items"}]}`;
  /// items are `{"note": …}`, `{"tensor": NAME, "value": TENSOR}`,
  /// `{"table": CAPTION, "headers": […], "rows": [[…]]}` or `{"figure": FIGURE}`.
  static func encode(_ explanation: Explanation) -> String {
    let stages = explanation.stages.map { stage in
      let items = stage.items.map { item -> String in
        switch item {
        case .note(let text): return #"{"note": \#(string(text))}"#
        case .tensor(let name, let tensor):
          return #"{"tensor": \#(string(name)), "value": \#(encode(.tensor(tensor)))}"#
        case .table(let table):
          let rows = table.rows.map { "[" + $0.map(string).joined(separator: ", ") + "]" }.joined(separator: ", ")
          return
            #"{"table": \#(string(table.caption)), "headers": [\#(table.headers.map(string).joined(separator: ", "))], "rows": [\#(rows)]}"#
        case .figure(let figure): return #"{"figure": \#(encode(.figure(figure)))}"#
        }
      }
      return
        #"{"title": \#(string(stage.title)), "formula": \#(string(stage.formula)), "items": [\#(items.joined(separator: ", "))]}"#
    }
    return
      #"{"type": "explanation", "call": \#(string(explanation.call)), "summary": \#(string(explanation.summary)), "stages": [\#(stages.joined(separator: ", "))]}"#
  }

  /// A number as JSON: the shortest decimal that reads back to the same
  /// `Double`, or a string for NaN and infinities.
  public static func number(_ value: Double) -> String {
    if value.isNaN { return #""nan""# }
    if value.isInfinite { return value > 0 ? #""inf""# : #""-inf""# }
    if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// A float32 (or bfloat16) value as the shortest decimal that reads back as it in float32.
  static func singlePrecisionNumber(_ value: Double) -> String {
    if !value.isFinite || (value.rounded() == value && abs(value) < 1e15) { return number(value) }
    return "\(Float(value))"
  }

  /// A JSON string literal with the required escapes.
  public static func string(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
