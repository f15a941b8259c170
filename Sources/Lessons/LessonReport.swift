import AttnLang

/// Reports of `attn test` runs: the human text with diffs, TAP and JUnit XML.
public enum LessonReport {
  /// `lessons/02-softmax.md:41: output differs` and a diff, for a failed cell.
  public static func failure(_ result: CellResult, path: String) -> String {
    var text = ""
    for entry in result.entries where !entry.matches {
      let inputLines = entry.entry.input.split(separator: "\n", omittingEmptySubsequences: false)
      let outputLine = entry.entry.line + inputLines.count
      text += "\(path):\(outputLine): error: output of '\(inputLines.first ?? "")' differs (- lesson, + actual)\n"
      text += diff(expected: entry.entry.expected, actual: entry.actual)
    }
    if let problem = result.exerciseProblem {
      text += "\(path):\(result.cell.line): error: \(problem)\n"
    }
    return text
  }

  /// A line diff: `-` lines expected but not printed, `+` lines printed instead.
  public static func diff(expected: [String], actual: [String]) -> String {
    let common = longestCommonSubsequence(expected, actual)
    var text = ""
    var i = 0
    var j = 0
    for (ei, aj) in common + [(expected.count, actual.count)] {
      while i < ei {
        text += "  - \(expected[i])\n"
        i += 1
      }
      while j < aj {
        text += "  + \(actual[j])\n"
        j += 1
      }
      if ei < expected.count {
        text += "    \(expected[ei])\n"
        i += 1
        j += 1
      }
    }
    return text
  }

  static func longestCommonSubsequence(_ a: [String], _ b: [String]) -> [(Int, Int)] {
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
      for j in stride(from: b.count - 1, through: 0, by: -1) {
        table[i][j] =
          OutputMatcher.matches(expected: [a[i]], actual: [b[j]])
          ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    var pairs: [(Int, Int)] = []
    var i = 0
    var j = 0
    while i < a.count, j < b.count {
      if OutputMatcher.matches(expected: [a[i]], actual: [b[j]]) {
        pairs.append((i, j))
        i += 1
        j += 1
      } else if table[i + 1][j] >= table[i][j + 1] {
        i += 1
      } else {
        j += 1
      }
    }
    return pairs
  }

  /// TAP version 13: one test point per cell.
  public static func tap(_ files: [(path: String, results: [CellResult], error: String?)]) -> String {
    let total = files.reduce(0) { $0 + max($1.results.count, $1.error == nil ? 0 : 1) }
    var text = "TAP version 13\n1..\(total)\n"
    var number = 0
    for file in files {
      if let error = file.error {
        number += 1
        text += "not ok \(number) - \(file.path)\n  ---\n  message: \(yamlQuoted(error))\n  ...\n"
        continue
      }
      for result in file.results {
        number += 1
        let name = "\(file.path) cell \(result.cell.index + 1) (line \(result.cell.line))"
        if result.passed {
          text += "ok \(number) - \(name)" + (result.cell.options.check ? "" : " # SKIP nocheck") + "\n"
        } else {
          text +=
            "not ok \(number) - \(name)\n  ---\n  message: \(yamlQuoted(failure(result, path: file.path)))\n  ...\n"
        }
      }
    }
    return text
  }

  /// JUnit XML: one testsuite per file, one testcase per cell.
  public static func junit(_ files: [(path: String, results: [CellResult], error: String?)]) -> String {
    var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<testsuites name=\"attn lessons\">\n"
    for file in files {
      let failures = file.results.filter { !$0.passed }.count + (file.error == nil ? 0 : 1)
      let tests = file.results.count + (file.error == nil ? 0 : 1)
      let skipped = file.results.filter { !$0.cell.options.check && $0.exerciseProblem == nil }.count
      xml +=
        "  <testsuite name=\"\(escapeXML(file.path))\" tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
      if let error = file.error {
        xml += "    <testcase name=\"read\" classname=\"\(escapeXML(file.path))\">\n"
        xml += "      <failure message=\"\(escapeXML(error))\"/>\n    </testcase>\n"
      }
      for result in file.results {
        let name = "cell \(result.cell.index + 1) (line \(result.cell.line))"
        xml += "    <testcase name=\"\(escapeXML(name))\" classname=\"\(escapeXML(file.path))\""
        if !result.cell.options.check && result.exerciseProblem == nil {
          xml += ">\n      <skipped message=\"nocheck\"/>\n    </testcase>\n"
        } else if result.passed {
          xml += "/>\n"
        } else {
          let message = failure(result, path: file.path)
          let kind = result.exerciseProblem == nil ? "output differs" : "exercise fails its checks"
          xml += ">\n      <failure message=\"\(kind)\">\(escapeXML(message))</failure>\n    </testcase>\n"
        }
      }
      xml += "  </testsuite>\n"
    }
    return xml + "</testsuites>\n"
  }

  static func yamlQuoted(_ text: String) -> String {
    "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n") + "\""
  }
}
