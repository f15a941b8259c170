import AttnLang
import Foundation

/// The Markdown that lessons use, as HTML: headings, paragraphs, `*em*`,
/// `**strong**`, `` `code` ``, links, bullet and numbered lists, and code
/// blocks (indented or fenced). Everything else is kept as escaped text.
enum MarkdownHTML {
  static func render(_ markdown: String) -> String {
    var html = ""
    var paragraph: [String] = []
    var list: (ordered: Bool, items: [String])? = nil
    var code: [String]? = nil
    var fenced = false

    func flushParagraph() {
      if !paragraph.isEmpty { html += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n" }
      paragraph = []
    }
    func flushList() {
      if let current = list {
        let tag = current.ordered ? "ol" : "ul"
        html += "<\(tag)>\n" + current.items.map { "<li>" + inline($0) + "</li>\n" }.joined() + "</\(tag)>\n"
      }
      list = nil
    }
    func flushCode() {
      if let lines = code {
        var trimmed = lines
        while trimmed.last?.isEmpty == true { trimmed.removeLast() }
        html += "<pre class=\"code\">" + escapeXML(trimmed.joined(separator: "\n")) + "</pre>\n"
      }
      code = nil
    }

    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if fenced {
        if line.hasPrefix("```") {
          fenced = false
          flushCode()
        } else {
          code?.append(line)
        }
        continue
      }
      if line.hasPrefix("```") {
        flushParagraph()
        flushList()
        fenced = true
        code = []
        continue
      }
      if line.hasPrefix("    "), paragraph.isEmpty, list == nil {
        if code == nil { code = [] }
        code?.append(String(line.dropFirst(4)))
        continue
      }
      if code != nil, line.trimmingCharacters(in: .whitespaces).isEmpty {
        code?.append("")
        continue
      }
      flushCode()
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty {
        flushParagraph()
        flushList()
      } else if let level = headingLevel(trimmed) {
        flushParagraph()
        flushList()
        html += "<h\(level)>" + inline(String(trimmed.dropFirst(level + 1))) + "</h\(level)>\n"
      } else if let item = listItem(trimmed) {
        flushParagraph()
        if list == nil || list?.ordered != item.ordered {
          flushList()
          list = (item.ordered, [])
        }
        list?.items.append(item.text)
      } else if var current = list, let last = current.items.indices.last, line.hasPrefix("  ") {
        current.items[last] += " " + trimmed
        list = current
      } else {
        flushList()
        paragraph.append(trimmed)
      }
    }
    flushParagraph()
    flushList()
    flushCode()
    return html
  }

  static func headingLevel(_ line: String) -> Int? {
    let hashes = line.prefix { $0 == "#" }.count
    guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
    return hashes
  }

  static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
    if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
    let digits = line.prefix { $0.isNumber }
    if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") {
      return (true, String(line.dropFirst(digits.count + 2)))
    }
    return nil
  }

  /// Inline markup: code spans first (their content is literal), then
  /// strong, emphasis and links in the escaped text.
  static func inline(_ text: String) -> String {
    var html = ""
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "`") {
      html += styled(escapeXML(String(rest[..<open])))
      let after = rest[rest.index(after: open)...]
      guard let close = after.firstIndex(of: "`") else {
        rest = rest[open...]
        break
      }
      html += "<code>" + escapeXML(String(after[..<close])) + "</code>"
      rest = after[after.index(after: close)...]
    }
    return html + styled(escapeXML(String(rest)))
  }

  static func styled(_ escaped: String) -> String {
    var text = escaped
    text = replace(text, pattern: "**", open: "<strong>", close: "</strong>")
    text = replace(text, pattern: "*", open: "<em>", close: "</em>")
    return links(text)
  }

  /// Pairs of `pattern` become `open`…`close`.
  static func replace(_ text: String, pattern: String, open: String, close: String) -> String {
    let parts = text.components(separatedBy: pattern)
    guard parts.count >= 3 else { return text }
    var result = parts[0]
    var index = 1
    while index < parts.count {
      if index + 1 < parts.count, !parts[index].isEmpty, parts[index].first != " " {
        result += open + parts[index] + close + parts[index + 1]
        index += 2
      } else {
        result += pattern + parts[index]
        index += 1
      }
    }
    return result
  }

  /// `[text](url)` as a link. The URL may hold balanced parentheses
  /// (`…/Softmax_(function)`). Only `http:`, `https:`, `mailto:` and
  /// relative links survive; any other scheme (`javascript:`, `data:`, …)
  /// leaves the text alone, so an exported page cannot run a script.
  ///
  /// Linear in the text's length whatever it holds (a lesson from elsewhere
  /// may hold `[a](` a hundred thousand times): the next `]` and the `)`
  /// matching each `(` are found in one pass each, and a label or a URL longer
  /// than ``maximumLabel`` or ``maximumURL`` characters is not a link.
  static func links(_ text: String) -> String {
    links(text) { label, url in isSafeLink(url) ? "<a href=\"\(url)\">\(label)</a>" : label }
  }

  /// ``links(_:)`` with each link written by `write(label, url)`.
  static func links(_ text: String, write: (String, String) -> String) -> String {
    let characters = Array(text)
    let count = characters.count
    // nextClose[i], nextOpen[i]: the first "]", "[" at or after i.
    var nextClose = [Int](repeating: count, count: count + 1)
    var nextOpen = [Int](repeating: count, count: count + 1)
    for index in stride(from: count - 1, through: 0, by: -1) {
      nextClose[index] = characters[index] == "]" ? index : nextClose[index + 1]
      nextOpen[index] = characters[index] == "[" ? index : nextOpen[index + 1]
    }
    // matching[i]: for a "(" at i, the ")" that closes it, if any.
    var matching = [Int](repeating: -1, count: count)
    var open: [Int] = []
    for (index, character) in characters.enumerated() {
      if character == "(" {
        open.append(index)
      } else if character == ")", let start = open.popLast() {
        matching[start] = index
      }
    }
    var result = ""
    var copied = 0
    var index = 0
    while index < count {
      guard characters[index] == "[" else {
        index += 1
        continue
      }
      let middle = nextClose[index + 1]
      // The label is the text after the last "[" before the "]" (`[[x](y)` links `x`).
      guard nextOpen[index + 1] > middle, middle + 1 < count, middle - index <= maximumLabel,
        characters[middle + 1] == "(",
        matching[middle + 1] > middle + 1, matching[middle + 1] - middle <= maximumURL
      else {
        index += 1
        continue
      }
      let close = matching[middle + 1]
      result += String(characters[copied..<index])
      let label = String(characters[(index + 1)..<middle])
      let url = String(characters[(middle + 2)..<close]).trimmingCharacters(in: .whitespaces)
      result += write(label, url)
      copied = close + 1
      index = close + 1
    }
    return result + String(characters[copied...])
  }

  /// The longest label and URL a link may have.
  static let maximumLabel = 1000
  static let maximumURL = 4000

  /// Whether an (escaped) URL is one an exported page may link to: a web or
  /// mail address, or a relative path. Browsers drop tabs and newlines inside
  /// a scheme, so they are dropped here too before it is read.
  static func isSafeLink(_ url: String) -> Bool {
    let compact = String(url.unicodeScalars.filter { $0.value > 0x20 })
    // `//host/x` is another site, not a relative path.
    if compact.hasPrefix("//") || compact.hasPrefix("\\\\") || compact.hasPrefix("/\\") { return false }
    guard let colon = compact.firstIndex(of: ":") else { return true }
    let beforeColon = compact[..<colon]
    // A ':' after a '/', '?' or '#' is part of a relative path, not a scheme.
    if beforeColon.contains(where: { "/?#".contains($0) }) { return true }
    return ["http", "https", "mailto"].contains(beforeColon.lowercased())
  }

  /// Lesson prose as Markdown that renders inert wherever it is shown (a
  /// Jupyter notebook's Markdown cells): raw HTML outside code is escaped,
  /// so it shows as text; a link (inline or a reference definition) to
  /// anything but a web or mail address or a relative path keeps only its
  /// text — the same rules as the HTML export.
  public static func inertMarkdown(_ markdown: String) -> String {
    markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      let text = String(line)
      if text.hasPrefix("    ") || text.hasPrefix("\t") { return text }  // indented code is shown as written
      if let definition = referenceDefinition(text), !isSafeLink(definition.url) { return definition.label }
      var result = ""
      var rest = Substring(text)
      while let open = rest.firstIndex(of: "`") {
        result += inertProse(String(rest[..<open]))
        let after = rest[rest.index(after: open)...]
        guard let close = after.firstIndex(of: "`") else {
          rest = rest[open...]
          break
        }
        result += "`" + after[..<close] + "`"
        rest = after[after.index(after: close)...]
      }
      return result + inertProse(String(rest))
    }.joined(separator: "\n")
  }

  /// Prose outside code: `<` as an entity (no tag, no autolink), unsafe links as their text.
  static func inertProse(_ text: String) -> String {
    links(text.replacingOccurrences(of: "<", with: "&lt;")) { label, url in
      isSafeLink(url) ? "[\(label)](\(url))" : label
    }
  }

  /// `[label]: url` (a Markdown link reference definition), if the line is one.
  static func referenceDefinition(_ line: String) -> (label: String, url: String)? {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") else { return nil }
    let after = trimmed[trimmed.index(after: close)...]
    guard after.hasPrefix(":") else { return nil }
    let url = after.dropFirst().trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
    return (String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]), url)
  }
}
