import AttnLang
import Foundation

/// Reports of `attn grade`: a text summary per student, one JSON document,
/// and JUnit XML (one test suite per submission, one test case per exercise).
public enum GradeReport {
  public static func text(lesson: String, exercises: [String], results: [SubmissionResult]) -> String {
    var text = "\(lesson): \(exercises.count) exercise\(exercises.count == 1 ? "" : "s")\n"
    for result in results {
      text += "\n\(result.file)  \(result.score)/\(result.exercises.count)\n"
      for mark in result.exercises {
        text += mark.passed ? "  ✓ \(mark.exercise)\n" : "  ✗ \(mark.exercise): \(mark.reason ?? "failed")\n"
      }
      for problem in result.problems.prefix(5) {
        text += "  error\(problem.line.map { " at line \($0)" } ?? ""): \(problem.message)\n"
      }
      if result.problems.count > 5 { text += "  … \(result.problems.count - 5) more errors\n" }
    }
    let passed = results.reduce(0) { $0 + $1.score }
    let total = results.reduce(0) { $0 + $1.exercises.count }
    let perfect = results.filter { $0.score == $0.exercises.count }.count
    text +=
      "\n\(results.count) submission\(results.count == 1 ? "" : "s"): \(passed) of \(total) answers passed; "
      + "\(perfect) passed every exercise\n"
    return text
  }

  struct Document: Codable {
    var lesson: String
    var exercises: [String]
    var submissions: [Submission]

    struct Submission: Codable {
      var file: String
      var score: Int
      var total: Int
      var exercises: [SubmissionResult.ExerciseResult]
      var errors: [SubmissionResult.Problem]
    }
  }

  public static func json(lesson: String, exercises: [String], results: [SubmissionResult]) -> String {
    let document = Document(
      lesson: lesson, exercises: exercises,
      submissions: results.map {
        .init(file: $0.file, score: $0.score, total: $0.exercises.count, exercises: $0.exercises, errors: $0.problems)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  public static func junit(lesson: String, results: [SubmissionResult]) -> String {
    var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<testsuites name=\"attn grade \(escapeXML(lesson))\">\n"
    for result in results {
      let failures = result.exercises.count - result.score
      xml +=
        "  <testsuite name=\"\(escapeXML(result.file))\" tests=\"\(result.exercises.count)\" failures=\"\(failures)\">\n"
      for mark in result.exercises {
        xml += "    <testcase name=\"\(escapeXML(mark.exercise))\" classname=\"\(escapeXML(result.file))\""
        if mark.passed {
          xml += "/>\n"
        } else {
          xml += ">\n      <failure message=\"\(escapeXML(mark.reason ?? "failed"))\"/>\n    </testcase>\n"
        }
      }
      if !result.problems.isEmpty {
        let lines = result.problems.map { ($0.line.map { "line \($0): " } ?? "") + $0.message }
        xml += "    <system-err>\(escapeXML(lines.joined(separator: "\n")))</system-err>\n"
      }
      xml += "  </testsuite>\n"
    }
    return xml + "</testsuites>\n"
  }
}
