import Attention

/// A function of the language: its documentation, the arguments it accepts
/// and what it does. The same text feeds `help(name)`, the prompt's `:help`
/// and completion; what the example prints is recorded in
/// `HelpExamples.swift`. The README's list of builtins is written by hand
/// (DocsTests checks that it names every one).
final class Builtin: Sendable {
  enum Topic: String, CaseIterable, Sendable {
    case attention = "Attention"
    case softmax = "Softmax and selection"
    case layers = "Layers and encodings"
    case creation = "Making tensors"
    case math = "Elementwise math"
    case reductions = "Reductions"
    case shapes = "Shapes"
    case pictures = "Pictures and files"
    case gradients = "Gradients"
    case training = "Training"
    case text = "Text data"
    case language = "Lists, strings and functions"
    case session = "Help"
  }

  let topic: Topic
  /// The name and parameters, declared once: help, checking, completion
  /// and the body's typed access all read them.
  let signature: Signature
  /// One line: what it gives.
  let summary: String
  /// The formula and the rules, a few lines.
  let details: String
  /// Statements that show it in use, one per line; help shows each with
  /// what it prints (``Builtins/exampleTranscripts``, checked by the tests).
  let example: String
  let run: @Sendable (Arguments) throws -> Value
  /// Whether its results take the type of its arguments (see `call`).
  let promotesTypes: Bool
  /// For each parameter, whether its tensors count in that type (not
  /// indices, masks or biases: ``parametersNotPromoting``).
  let promotingParameters: [Bool]

  init(
    name: String, topic: Topic, parameters: [Parameter], summary: String, details: String = "", example: String,
    run: @escaping @Sendable (Arguments) throws -> Value
  ) {
    self.topic = topic
    self.signature = Signature(name: name, parameters: parameters)
    self.summary = summary
    self.details = details
    self.example = example
    self.run = run
    self.promotesTypes = Builtin.promotesTypes(name, topic)
    self.promotingParameters = parameters.map { !Builtin.parametersNotPromoting.contains($0.name) }
  }

  var name: String { signature.name }

  /// The help page: signature, summary, parameters, details and example.
  var helpText: String {
    var page = "\(signature.text)\n  \(summary)\n"
    let documented = signature.parameters.filter { !$0.help.isEmpty }
    if !documented.isEmpty {
      let width = documented.map(\.signatureText.count).max() ?? 0
      page +=
        "\n"
        + documented.map { "  " + $0.signatureText.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.help }
        .joined(separator: "\n") + "\n"
    }
    if !details.isEmpty {
      page +=
        "\n"
        + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        .joined(separator: "\n") + "\n"
    }
    let transcript =
      Builtins.exampleTranscripts[name] ?? example.split(separator: "\n").map { "attn> " + $0 }.joined(separator: "\n")
    page +=
      "\nExample:\n"
      + transcript.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
      .joined(separator: "\n")
    return page
  }
}

/// Every builtin, by name.
public enum Builtins {
  static let all: [Builtin] =
    attentionBuiltins + modernAttentionBuiltins + softmaxBuiltins + layerBuiltins + creationBuiltins + mathBuiltins
    + reductionBuiltins + shapeBuiltins + pictureBuiltins + fileBuiltins + gradientBuiltins + trainingBuiltins
    + generationBuiltins
    + textBuiltins + languageBuiltins
    + sessionBuiltins + explainBuiltins

  static let table: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

  static let names: [String] = all.map(\.name).sorted()

  /// A builtin as a function value (equal to every other value of the same
  /// builtin: see ``Function/isSame(as:)``).
  static func function(_ builtin: Builtin) -> Function { Function(builtin) }

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
    text += """

      Operators: + - * / % ^ (elementwise, broadcasting), @ (matmul), < <= > >= == != (give 0/1),
      and, or, not. Indexing: x[0], x[:, 1], x[1:3], x[-1], E[ids] (rows), x[x > 0] (a 0/1 mask); fields: r.weights, x.T, x.shape.
      Constants: inf nan pi true false.

      The language:
        def f(x, t: 1) = softmax(x / t)      def g(q, K) { w = softmax(dot(q, K)); return w @ K }
        h = x -> 2 * x     (x, y) -> x @ y     functions are values: map(f, l), list(f, softmax)
        if c { … } else if d { … } else { … }     for i in range(5) { … }     for row in X { … }
        while c { … }   break   continue   return     x += 1   r.lr = 0.2   l[0] = x
        l = list(1, "two", [3, 4])   l = append(l, 5)   r = {w: eye(2), lr: 0.1}   p - 0.1 * g
      A function sees its parameters, its own variables (any name it assigns) and the session's
      variables; it never changes the session's. Bare expressions print at the top, not inside
      functions: use print(…) there. A # comment right above a def is its help: help(f).

      Limits: a tensor holds at most 50,000,000 elements unless raised (--max-elements N, :set max-elements N),
      and is refused before anything is allocated; rank at most 4; brackets and blocks nest at most 200 deep;
      a statement chains at most 2,000 operations; calls nest at most 1,000 deep. Only files you name are
      read (load, :load) or written (save, svg, :save).
      """
    return text
  }
}

extension Builtins {
  /// The builtins' names, for completion and documentation.
  public static var publicNames: [String] { names }

  /// The named arguments a builtin accepts (empty for an unknown name).
  public static func labels(of name: String) -> [String] { table[name]?.signature.namedLabels ?? [] }

  /// A builtin as a function value, or nil.
  public static func function(named name: String) -> Function? { table[name].map(Function.init) }

  /// A builtin's name and parameters, or nil.
  public static func signature(of name: String) -> Signature? { table[name]?.signature }

  /// The help page of a builtin, or nil.
  public static func help(for name: String) -> String? { table[name]?.helpText }

  /// The overview of every builtin.
  public static var helpOverview: String { overview }
}
