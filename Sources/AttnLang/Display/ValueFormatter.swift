import Attention

/// Formats any ``Value`` as the text the REPL and `attn run` print.
public struct ValueFormatter: Sendable {
  public var options: DisplayOptions

  public init(options: DisplayOptions = DisplayOptions()) {
    self.options = options
  }

  public func format(_ value: Value) -> String {
    switch value {
    case .number(let number):
      return TensorFormatter(options: options).format(Tensor(number))
    case .tensor(let tensor):
      return TensorFormatter(options: options).format(tensor)
    case .string(let text):
      return quoted(text)
    case .list(let items):
      return list(items)
    case .function(let function):
      return function.description
    case .none:
      return ""
    case .text(let text):
      return text
    case .figure(let figure):
      return FigureText(style: options.pictures, width: options.width, precision: options.precision).render(figure)
    case .explanation(let explanation):
      return ExplanationText(options: options).render(explanation)
    case .record(let record):
      var text = fields(record)
      if options.picturesUnderRecords, case .tensor(let weights)? = record["weights"], (1...3).contains(weights.rank) {
        let figure = Figure(kind: weights.rank == 1 ? .bars : .heatmap, data: weights)
        text += "\n" + FigureText(style: options.pictures, width: options.width, precision: 2).render(figure)
      }
      return text
    }
  }

  /// The most items of a list printed; the rest are counted.
  static let listItemsShown = 100

  /// `list(1, "two", [3, 4])`, one item a line when an item takes several.
  func list(_ items: [Value]) -> String {
    var shown = items.prefix(ValueFormatter.listItemsShown).map(format)
    if items.count > ValueFormatter.listItemsShown {
      shown.append("… \(items.count - ValueFormatter.listItemsShown) more")
    }
    guard shown.contains(where: { $0.contains("\n") }) else { return "list(" + shown.joined(separator: ", ") + ")" }
    return "list(\n"
      + shown.map {
        $0.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
      }
      .joined(separator: ",\n") + ")"
  }

  func fields(_ record: Record) -> String {
    record.fields.map { field in
      let body = format(field.value)
      guard body.contains("\n") else { return "\(field.name): \(body)" }
      let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
      return "\(field.name): \(lines[0])\n"
        + lines.dropFirst().map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }.joined(separator: "\n")
  }
}

/// A string in double quotes, with quotes, backslashes and newlines escaped.
func quoted(_ text: String) -> String {
  var result = "\""
  for character in text {
    switch character {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\t": result += "\\t"
    default: result.append(character)
    }
  }
  return result + "\""
}
