import Attention

/// Formats any ``Value`` as the text the REPL and `attn run` print.
public struct ValueFormatter: Sendable {
  public var options: DisplayOptions

  public init(options: DisplayOptions = DisplayOptions()) {
    self.options = options
  }

  public func format(_ value: Value) -> String {
    switch value {
    case .list, .record: return NestedLayout(value, formatter: self).text
    default: return leaf(value)
    }
  }

  /// A value that holds no others, as text.
  func leaf(_ value: Value) -> String {
    switch value {
    case .number(let number):
      return TensorFormatter(options: options).format(Tensor(number))
    case .tensor(let tensor):
      return TensorFormatter(options: options).format(tensor)
    case .string(let text):
      return quoted(text)
    case .function(let function):
      return function.description
    case .none, .list, .record:
      return ""
    case .text(let text):
      return options.escapesControlCharacters ? ControlCharacters.escaped(text) : text
    case .figure(let figure):
      return FigureText(style: options.pictures, width: options.width, precision: options.precision).render(figure)
    case .explanation(let explanation):
      return ExplanationText(options: options).render(explanation)
    }
  }

  /// The picture a record of attention results shows under its fields, if any.
  func picture(under record: Record) -> String? {
    guard options.picturesUnderRecords, case .tensor(let weights)? = record["weights"], (1...3).contains(weights.rank)
    else { return nil }
    let figure = Figure(kind: weights.rank == 1 ? .bars : .heatmap, data: weights)
    return FigureText(style: options.pictures, width: options.width, precision: 2).render(figure)
  }

  /// The most items of a list printed; the rest are counted.
  static let listItemsShown = 100
}

/// Lists and records as text, without recursion and in time linear in the
/// text: `list(1, "two", [3, 4])` on one line, or one item a line (indented)
/// when an item takes several; a record one `name: value` a line, further
/// lines of a value indented. A first pass numbers the values shown (level
/// by level, so a value's parts come after it) and finds which take several
/// lines; a second writes the text with a worklist.
struct NestedLayout {
  let formatter: ValueFormatter
  /// The values shown, level by level; each container's parts are contiguous.
  var nodes: [Value] = []
  var firstPart: [Int] = []
  var partCount: [Int] = []
  /// The text of each value that holds no others (and "" for containers).
  var leafText: [String] = []
  var multiline: [Bool] = []
  /// Lists longer than they are shown, by node: how many items are left out.
  var hidden: [Int: Int] = [:]
  /// Whether a stop request cut the walk short.
  var stopped = false

  init(_ value: Value, formatter: ValueFormatter) {
    self.formatter = formatter
    nodes = [value]
    var index = 0
    let stop = ExecutionContext.current.stop
    while index < nodes.count {
      // Printing a huge value honours Ctrl-C (and Jupyter's interrupt): what is left is not shown.
      // (Never before the value itself: what is shown always has its outermost level.)
      if index & 0xFFF == 0, index > 0, stop.isRequested {
        nodes.removeSubrange(index...)
        stopped = true
        break
      }
      let node = nodes[index]
      firstPart.append(nodes.count)
      switch node {
      case .list(let items):
        let shown = min(items.count, ValueFormatter.listItemsShown)
        nodes.append(contentsOf: items.prefix(shown))
        partCount.append(shown)
        if items.count > shown { hidden[index] = items.count - shown }
        leafText.append("")
      case .record(let record):
        nodes.append(contentsOf: record.fields.map(\.value))
        partCount.append(record.fields.count)
        leafText.append("")
      default:
        partCount.append(0)
        leafText.append(formatter.leaf(node))
      }
      index += 1
    }
    if stopped {
      // The parts of the values kept that were cut off are not shown.
      for container in firstPart.indices where firstPart[container] + partCount[container] > nodes.count {
        partCount[container] = max(0, nodes.count - firstPart[container])
      }
    }
    // Parts come after their container: walking backwards sees them first.
    multiline = [Bool](repeating: false, count: nodes.count)
    for index in nodes.indices.reversed() {
      let parts = firstPart[index]..<(firstPart[index] + partCount[index])
      switch nodes[index] {
      case .list:
        multiline[index] = parts.contains { multiline[$0] }
      case .record(let record):
        multiline[index] =
          parts.count > 1 || parts.contains { multiline[$0] } || formatter.picture(under: record) != nil
      default:
        multiline[index] = leafText[index].contains("\n")
      }
    }
  }

  /// What the second pass does next.
  enum Step {
    case value(Int)
    case text(String)
    /// Lines after this are indented two more spaces: every line (a list's
    /// items) or only those with text (a record's value).
    case indent(everyLine: Bool)
    case dedent
  }

  var text: String {
    var writer = IndentingWriter()
    var steps: [Step] = [.value(0)]
    while let step = steps.popLast() {
      switch step {
      case .text(let text): writer.write(text)
      case .indent(let everyLine): writer.levels.append(everyLine)
      case .dedent: writer.levels.removeLast()
      case .value(let index):
        let parts = firstPart[index]..<(firstPart[index] + partCount[index])
        switch nodes[index] {
        case .list:
          // Pushed in reverse: the worklist runs them from the last pushed.
          var plan: [Step] = []
          if multiline[index] {
            plan = [.text("list("), .indent(everyLine: true), .text("\n")]
            for (offset, part) in parts.enumerated() {
              if offset > 0 { plan.append(.text(",\n")) }
              plan.append(.value(part))
            }
            if let more = hidden[index] { plan.append(.text((parts.isEmpty ? "" : ",\n") + "… \(more) more")) }
            plan += [.text(")"), .dedent]
          } else {
            plan = [.text("list(")]
            for (offset, part) in parts.enumerated() {
              if offset > 0 { plan.append(.text(", ")) }
              plan.append(.value(part))
            }
            if let more = hidden[index] { plan.append(.text((parts.isEmpty ? "" : ", ") + "… \(more) more")) }
            plan.append(.text(")"))
          }
          steps += plan.reversed()
        case .record(let record):
          var plan: [Step] = []
          for (offset, (field, part)) in zip(record.fields, parts).enumerated() {
            if offset > 0 { plan.append(.text("\n")) }
            let name = ControlCharacters.escaped(field.name, escapingLayout: true)
            plan += [.text(name + ": "), .indent(everyLine: false), .value(part), .dedent]
          }
          if let picture = formatter.picture(under: record) { plan.append(.text("\n" + picture)) }
          steps += plan.reversed()
        default:
          writer.write(leafText[index])
        }
      }
    }
    return writer.text + (stopped ? "\n… (printing stopped: interrupted)" : "")
  }
}

/// Text written line by line under a stack of indentation levels, each two
/// spaces: a line with text gets every level; an empty line only the levels
/// that indent every line, and the record levels outside the innermost of them
/// (as indenting each nested text in turn, innermost first, would).
struct IndentingWriter {
  var text = ""
  /// Outermost first: true for a level that indents every line.
  var levels: [Bool] = []
  /// After a line break, before the next line's indentation is written.
  var atLineStart = false

  mutating func write(_ piece: String) {
    var first = true
    for line in piece.split(separator: "\n", omittingEmptySubsequences: false) {
      if !first {
        if atLineStart { indent(lineIsEmpty: true) }
        text += "\n"
        atLineStart = true
      }
      first = false
      if !line.isEmpty {
        if atLineStart { indent(lineIsEmpty: false) }
        atLineStart = false
        text += line
      }
    }
  }

  mutating func indent(lineIsEmpty: Bool) {
    let count = lineIsEmpty ? (levels.lastIndex(of: true).map { $0 + 1 } ?? 0) : levels.count
    text += String(repeating: "  ", count: count)
  }
}

/// A string in double quotes, written as it would be typed: quotes,
/// backslashes, newlines, tabs and carriage returns escaped, and every other
/// control character as `\u{…}` (it could otherwise drive a terminal).
func quoted(_ text: String) -> String {
  var result = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\t": result += "\\t"
    case "\r": result += "\\r"
    case _ where ControlCharacters.isControl(scalar):
      result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result + "\""
}
