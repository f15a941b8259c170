/// Compares a cell's expected output with what the session printed.
///
/// - Whitespace is not significant (columns realign when widths change).
/// - Numbers match within the precision they are written to: `0.2447`
///   matches anything within 0.0001 of it (one unit in the last place), so
///   a rounding difference in the last digit passes; whole numbers must be
///   equal. A cell's `tolerance=` replaces this with an absolute tolerance.
/// - `...` inside a line matches any text; a line that is only `...`
///   matches any number of lines (including none).
public enum OutputMatcher {
  public static func matches(expected: [String], actual: [String], tolerance: Double? = nil) -> Bool {
    let expectedAtoms = expected.map { Atom.parse($0, allowWildcards: true) }
    let actualAtoms = actual.map { Atom.parse($0, allowWildcards: false) }
    let wildcards = expected.map { $0.trimmed == "..." }
    // Dynamic programming over (expected line, actual line): `reachable[j]`
    // says the expected lines so far can match the first j actual lines —
    // linear in lines × patterns however many `...` lines there are.
    var reachable = [Bool](repeating: false, count: actual.count + 1)
    reachable[0] = true
    for i in expected.indices {
      var next = [Bool](repeating: false, count: actual.count + 1)
      if wildcards[i] {
        // `...` takes any number of lines: every position at or after a reachable one.
        var seen = false
        for j in 0...actual.count {
          seen = seen || reachable[j]
          next[j] = seen
        }
      } else {
        for j in 0..<actual.count where reachable[j] {
          if lineMatches(expectedAtoms[i], actualAtoms[j], tolerance: tolerance) { next[j + 1] = true }
        }
      }
      reachable = next
    }
    return reachable[actual.count]
  }

  /// Whether one line's atoms match, with `...` wildcards (dynamic programming).
  static func lineMatches(_ pattern: [Atom], _ text: [Atom], tolerance: Double?) -> Bool {
    var reachable = [Bool](repeating: false, count: text.count + 1)
    reachable[0] = true
    for atom in pattern {
      var next = [Bool](repeating: false, count: text.count + 1)
      for j in 0...text.count where reachable[j] {
        if case .wildcard = atom {
          for k in j...text.count { next[k] = true }
          break
        }
        if j < text.count, atom.matches(text[j], tolerance: tolerance) { next[j + 1] = true }
      }
      reachable = next
    }
    return reachable[text.count]
  }

  /// A character, a number, or (in expected text) a `...` wildcard.
  enum Atom: Equatable {
    case character(Character)
    /// The value and the tolerance its written precision implies.
    case number(Double, precision: Double)
    case wildcard

    func matches(_ other: Atom, tolerance: Double?) -> Bool {
      switch (self, other) {
      case (.character(let a), .character(let b)): return a == b
      case (.number(let a, let precision), .number(let b, _)):
        let allowed = tolerance ?? precision
        return abs(a - b) <= allowed * (1 + 1e-9) + 1e-300
      default: return false
      }
    }

    static func parse(_ line: String, allowWildcards: Bool) -> [Atom] {
      let characters = Array(line)
      var atoms: [Atom] = []
      var index = 0
      while index < characters.count {
        let character = characters[index]
        if character == " " || character == "\t" {
          index += 1
          continue
        }
        if allowWildcards, characters[index...].starts(with: [".", ".", "."]) {
          atoms.append(.wildcard)
          index += 3
          continue
        }
        if let (number, precision, length) = number(at: index, in: characters) {
          atoms.append(.number(number, precision: precision))
          index += length
          continue
        }
        atoms.append(.character(character))
        index += 1
      }
      return atoms
    }

    /// A decimal number starting at `start` (an optional `-` where it cannot
    /// be subtraction), its tolerance, and its length in characters.
    static func number(at start: Int, in characters: [Character]) -> (Double, Double, Int)? {
      var index = start
      if characters[index] == "-" {
        let previous = start > 0 ? characters[start - 1] : " "
        guard !(previous.isLetter || previous.isNumber || previous == ")" || previous == "]") else { return nil }
        index += 1
      }
      let digitsStart = index
      while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
      guard index > digitsStart else { return nil }
      if start > 0, characters[start - 1].isLetter || characters[start - 1] == "_" { return nil }
      var decimals = 0
      if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isNumber {
        index += 1
        while index < characters.count, characters[index].isASCII, characters[index].isNumber {
          index += 1
          decimals += 1
        }
      }
      var exponent = 0
      if index < characters.count, characters[index] == "e" || characters[index] == "E" {
        var lookahead = index + 1
        if lookahead < characters.count, characters[lookahead] == "+" || characters[lookahead] == "-" { lookahead += 1 }
        let exponentStart = lookahead
        while lookahead < characters.count, characters[lookahead].isASCII, characters[lookahead].isNumber {
          lookahead += 1
        }
        if lookahead > exponentStart, let value = Int(String(characters[(index + 1)..<lookahead])) {
          // A double has no exponent beyond ±400: clamp, so no arithmetic overflows or loops long.
          exponent = max(-400, min(400, value))
          index = lookahead
        }
      }
      if index < characters.count, characters[index].isLetter || characters[index] == "_" { return nil }
      guard let value = Double(String(characters[start..<index])) else { return nil }
      // A number past the range of a double (1e3000000000 is inf) matches only exactly.
      let unit =
        decimals == 0 && exponent == 0 || !value.isFinite
        ? 0 : pow10(max(-400, min(400, exponent - decimals)))
      return (value, unit, index - start)
    }

    static func pow10(_ exponent: Int) -> Double {
      var result = 1.0
      for _ in 0..<abs(exponent) { result *= 10 }
      return exponent < 0 ? 1 / result : result
    }
  }
}
