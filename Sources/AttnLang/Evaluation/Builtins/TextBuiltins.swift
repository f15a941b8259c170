import Attention
import Foundation

extension Builtins {
  static let textBuiltins: [Builtin] = [
    Builtin(
      name: "readtext", topic: .text, parameters: [.positional("path", .string, "a text file (UTF-8)")],
      summary: "a whole text file as one string",
      details: """
        Every character is kept, line endings too (a corpus for a character model:
        v = vocab(text), ids = encode(v, text)). Only the file you name is read.
        """,
      example: "save(eye(2), tempdir(\"eye.csv\"))\nreadtext(tempdir(\"eye.csv\"))"
    ) { args in
      let path = try args.string("path")
      let data = try args.readFile(path, limit: readLimit())
      guard let text = String(data: data, encoding: .utf8) else {
        throw TensorError("readtext", "'\(path)' is not UTF-8 text")
      }
      return .string(text)
    },
    Builtin(
      name: "lines", topic: .text, parameters: [.positional("path", .string, "a text file (UTF-8)")],
      summary: "the lines of a text file, as a list of strings",
      details:
        "Line endings (\\n or \\r\\n) are removed; a last empty line is dropped. Only the file you name is read.",
      example: "save(eye(2), tempdir(\"eye.csv\"))\nlines(tempdir(\"eye.csv\"))"
    ) { args in
      let path = try args.string("path")
      let data = try args.readFile(path, limit: readLimit())
      guard let text = String(data: data, encoding: .utf8) else {
        throw TensorError("lines", "'\(path)' is not UTF-8 text")
      }
      // The list is held to the element limit before it is made: count the lines first.
      let count = data.reduce(into: 0) { count, byte in if byte == 0x0A { count += 1 } } + 1
      try args.runtime.checkLength(count - (data.last == 0x0A ? 1 : 0), of: "list", operation: "lines", at: args.range)
      let stop = ExecutionContext.current.stop
      var lines: [Value] = []
      lines.reserveCapacity(count)
      // "\r\n" is one Character in Swift: split on it as well as on "\n".
      for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
        // A large file honours Ctrl-C and the memory guard while it is split.
        if lines.count & 0xFFFF == 0, stop.isRequested { throw ExecutionContext.Stopped() }
        lines.append(.string(String(line)))
      }
      if case .string("")? = lines.last { lines.removeLast() }
      return .list(lines)
    },
    Builtin(
      name: "vocab", topic: .text,
      parameters: [.positional("texts", .any, "a list of strings (or one string)")],
      summary: "a character vocabulary: every character used, sorted, plus a boundary token",
      details: """
        Returns a record: chars (the characters in order, each one's id its position),
        bos (the id of the boundary token, after the last character: it marks where a text
        begins and ends) and size (how many ids: the characters and bos).
        """,
      example: "v = vocab(list(\"emma\", \"ava\"))\nv.chars\nv.size"
    ) { args in
      let texts = try strings(args, "texts")
      let characters = Set(texts.flatMap { $0 }).sorted()
      return .record(
        Record([
          ("chars", .list(characters.map { .string(String($0)) })), ("bos", .number(Double(characters.count))),
          ("size", .number(Double(characters.count + 1))),
        ]))
    },
    Builtin(
      name: "encode", topic: .text,
      parameters: [
        .positional("v", .any, "a vocabulary from vocab(…)"),
        .positional("text", .string, "the text to turn into ids"),
        .named("bos", .flag, default: 0, "put the boundary token before and after"),
      ],
      summary: "the ids of a text's characters in a vocabulary, as a tensor",
      example: "v = vocab(list(\"emma\", \"ava\"))\nencode(v, \"ava\")\nencode(v, \"ava\", bos: true)"
    ) { args in
      let (characters, bos) = try vocabulary(args)
      let index = Dictionary(characters.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
      var ids: [Double] = try args.bool("bos") ? [Double(bos)] : []
      for character in try args.string("text") {
        guard let id = index[String(character)] else {
          throw Diagnostic("encode: '\(character)' is not in the vocabulary", at: args.range(of: "text"))
        }
        ids.append(Double(id))
      }
      if try args.bool("bos") { ids.append(Double(bos)) }
      return .tensor(Tensor(ids))
    },
    Builtin(
      name: "decode", topic: .text,
      parameters: [
        .positional("v", .any, "a vocabulary from vocab(…)"), .positional("ids", .tensor, "ids, whole numbers"),
      ],
      summary: "the text that ids stand for in a vocabulary (boundary tokens left out)",
      example: "v = vocab(list(\"emma\", \"ava\"))\ndecode(v, [0, 4, 0])"
    ) { args in
      let (characters, bos) = try vocabulary(args)
      var text = ""
      for value in try args.tensor("ids").scalars {
        guard let id = exactInteger(value), id >= 0, id <= bos else {
          throw Diagnostic(
            "decode: \(value) is not an id of this vocabulary (0 to \(bos))", at: args.range(of: "ids"))
        }
        if id < bos { text += characters[id] }
      }
      return .string(text)
    },
    Builtin(
      name: "shuffle", topic: .text,
      parameters: [
        .positional("items", .list, "a list"), .named("seed", .integer, default: 0, "the same seed, the same order"),
      ],
      summary: "the list in a random order (seeded: the same seed gives the same order)",
      details: "Fisher–Yates with SplitMix64: for i from the last down to 1, swap item i with item ⌊u·(i+1)⌋.",
      example: "shuffle(list(1, 2, 3, 4), seed: 1)"
    ) { args in
      guard case .list(var items) = try args.value("items") else { return .none }
      var generator = SplitMix64(seed: try args.seed())
      for i in stride(from: items.count - 1, to: 0, by: -1) {
        let j = min(i, Int(generator.nextUniform() * Double(i + 1)))
        items.swapAt(i, j)
      }
      return .list(items)
    },
  ]

  /// The strings of a list argument (or the one string given).
  static func strings(_ args: Arguments, _ parameter: String) throws(Diagnostic) -> [String] {
    switch try args.value(parameter) {
    case .string(let text): return [text]
    case .list(let items):
      var texts: [String] = []
      for item in items {
        guard case .string(let text) = item else {
          throw Diagnostic(
            "\(args.name): \(parameter) must hold strings, got a \(item.typeName)", at: args.range(of: parameter))
        }
        texts.append(text)
      }
      return texts
    case let other:
      throw Diagnostic(
        "\(args.name): \(parameter) must be a list of strings, got a \(other.typeName)", at: args.range(of: parameter))
    }
  }

  /// The characters and boundary id of a vocabulary argument `v`.
  static func vocabulary(_ args: Arguments) throws(Diagnostic) -> (characters: [String], bos: Int) {
    guard case .record(let record) = try args.value("v"), case .list(let items)? = record["chars"] else {
      throw Diagnostic("\(args.name): v must be a vocabulary made by vocab(…)", at: args.range(of: "v"))
    }
    let characters = items.compactMap { item -> String? in if case .string(let text) = item { text } else { nil } }
    return (characters, characters.count)
  }
}
