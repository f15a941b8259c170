import Attention

/// A function of the language: its documentation, the arguments it accepts
/// and what it does. The same text feeds `help(name)`, the REPL's `:help`
/// and the README.
struct Builtin: Sendable {
  enum Topic: String, CaseIterable, Sendable {
    case attention = "Attention"
    case softmax = "Softmax and selection"
    case layers = "Layers and encodings"
    case creation = "Making tensors"
    case math = "Elementwise math"
    case reductions = "Reductions"
    case shapes = "Shapes"
    case pictures = "Pictures and files"
    case session = "Help"
  }

  var name: String
  var topic: Topic
  /// How it is called, with defaults: `softmax(x, axis: -1, temperature: 1)`.
  var signature: String
  /// One line: what it gives.
  var summary: String
  /// The formula and the rules, a few lines.
  var details: String
  /// Statements that show it in use; `help` tests run each one.
  var example: String
  /// How many positional arguments it takes.
  var arity: ClosedRange<Int>
  /// The named arguments it accepts.
  var labels: [String] = []
  var run: @Sendable (Arguments) throws -> Value

  var arityDescription: String {
    func plural(_ n: Int) -> String { n == 1 ? "1 positional argument" : "\(n) positional arguments" }
    if arity.upperBound == Int.max { return "at least \(plural(arity.lowerBound))" }
    if arity.lowerBound == arity.upperBound { return plural(arity.lowerBound) }
    return "\(arity.lowerBound) to \(plural(arity.upperBound))"
  }

  /// The help page: signature, summary, details and example.
  var helpText: String {
    var page = "\(signature)\n  \(summary)\n"
    if !details.isEmpty {
      page +=
        "\n"
        + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        .joined(separator: "\n") + "\n"
    }
    page += "\nExample:\n" + example.split(separator: "\n").map { "  attn> " + $0 }.joined(separator: "\n")
    return page
  }
}

/// Every builtin, by name.
public enum Builtins {
  static let all: [Builtin] =
    attentionBuiltins + softmaxBuiltins + layerBuiltins + creationBuiltins + mathBuiltins
    + reductionBuiltins + shapeBuiltins + pictureBuiltins + fileBuiltins + sessionBuiltins

  static let table: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

  static let names: [String] = all.map(\.name).sorted()

  /// The overview `help()` prints: every builtin by topic with its summary.
  static var overview: String {
    var text = "Builtins (help(\"name\") or :help name for one):\n"
    for topic in Builtin.Topic.allCases {
      let members = all.filter { $0.topic == topic }
      guard !members.isEmpty else { continue }
      text += "\n\(topic.rawValue)\n"
      let width = members.map(\.name.count).max() ?? 0
      for builtin in members {
        text += "  " + builtin.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + builtin.summary + "\n"
      }
    }
    text += "\nOperators: + - * / ^ (elementwise, broadcasting), @ (matmul), < <= > >= == != (give 0/1).\n"
    text += "Indexing: x[0], x[:, 1], x[1:3], x[-1]; fields: r.weights, x.T, x.shape.\n"
    text += "Constants: inf nan pi true false.\n"
    text +=
      "Limits: a tensor holds at most 50,000,000 elements unless raised (--max-elements N, :set max-elements N),\n"
    text += "and is refused before anything is allocated; rank at most 4; brackets nest at most 200 deep; a statement\n"
    text += "chains at most 2,000 operations. Only files you name are read (load, :load) or written (save, svg, :save)."
    return text
  }
}

extension Builtins {
  /// The builtins' names, for completion and documentation.
  public static var publicNames: [String] { names }

  /// The named arguments a builtin accepts (empty for an unknown name).
  public static func labels(of name: String) -> [String] { table[name]?.labels ?? [] }

  /// The help page of a builtin, or nil.
  public static func help(for name: String) -> String? { table[name]?.helpText }

  /// The overview of every builtin.
  public static var helpOverview: String { overview }
}
