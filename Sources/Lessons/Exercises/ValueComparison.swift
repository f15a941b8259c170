import Attention
import AttnLang
import Foundation

/// How far a student's value is from the reference: nil when they agree,
/// else what differs, in words a student can act on.
enum ValueComparison {
  static func difference(expected: Value, actual: Value, tolerance: Double, depth: Int = 0) -> String? {
    guard depth < Value.maximumStructureDepth else {
      return expected == actual
        ? nil : "the values differ more than \(Value.maximumStructureDepth) levels deep in their lists and records"
    }
    switch (expected, actual) {
    case (.function, _), (.figure, _), (.text, _):
      return "this check gives a \(expected.typeName), which cannot be compared (the lesson's check is wrong)"
    case (.string(let a), .string(let b)):
      return a == b ? nil : "expected \(quoted(a)), got \(quoted(b))"
    case (.list(let a), .list(let b)):
      guard a.count == b.count else { return "expected a list of \(a.count), got a list of \(b.count)" }
      for (index, pair) in zip(a, b).enumerated() {
        if let problem = difference(expected: pair.0, actual: pair.1, tolerance: tolerance, depth: depth + 1) {
          return "item \(index): \(problem)"
        }
      }
      return nil
    case (.record(let a), .record(let b)):
      guard Set(a.fieldNames) == Set(b.fieldNames) else {
        return
          "expected a record with {\(a.fieldNames.joined(separator: ", "))}, got {\(b.fieldNames.joined(separator: ", "))}"
      }
      for field in a.fields {
        if let other = b[field.name],
          let problem = difference(expected: field.value, actual: other, tolerance: tolerance, depth: depth + 1)
        {
          return "field \(field.name): \(problem)"
        }
      }
      return nil
    case (.none, .none):
      return nil
    default:
      guard let a = expected.tensor else { return "expected \(article(expected)), got \(article(actual))" }
      guard let b = actual.tensor else { return "expected \(article(expected)), got \(article(actual))" }
      return difference(expected: a, actual: b, tolerance: tolerance)
    }
  }

  /// Shapes first, then the element that is furthest off.
  static func difference(expected: Tensor, actual: Tensor, tolerance: Double) -> String? {
    guard expected.shape == actual.shape else {
      return "wrong shape: expected \(Tensor.describe(expected.shape)), got \(Tensor.describe(actual.shape))"
    }
    var worst: (index: Int, gap: Double)? = nil
    for index in expected.scalars.indices {
      let a = expected.scalars[index]
      let b = actual.scalars[index]
      if a == b || (a.isNaN && b.isNaN) { continue }
      let gap = abs(a - b)
      if gap.isNaN || gap > tolerance * max(1, abs(a)) {
        if worst == nil || gap > worst!.gap || gap.isNaN { worst = (index, gap.isNaN ? .infinity : gap) }
      }
    }
    guard let worst else { return nil }
    let (a, b) = distinct(expected.scalars[worst.index], actual.scalars[worst.index])
    if expected.rank == 0 { return "expected \(a), got \(b)" }
    return
      "wrong values: the largest difference is \(number(worst.gap)) at \(position(worst.index, in: expected.shape)) (expected \(a), got \(b))"
      + (distributionNote(expected: expected, actual: actual).map { "; " + $0 } ?? "")
  }

  /// When the expected values are probabilities along the last axis (each
  /// row adds up to 1) and the answer's are the same up to a factor per row
  /// — the normalization was left out — says so.
  static func distributionNote(expected: Tensor, actual: Tensor) -> String? {
    guard let width = expected.shape.last, width > 1, expected.scalars.allSatisfy({ $0 >= 0 }),
      actual.scalars.allSatisfy({ $0 >= 0 && $0.isFinite })
    else { return nil }
    var sums: [Double] = []
    for start in stride(from: 0, to: expected.scalars.count, by: width) {
      let want = expected.scalars[start..<(start + width)]
      let got = actual.scalars[start..<(start + width)]
      let total = got.reduce(0, +)
      guard abs(want.reduce(0, +) - 1) < 1e-9, total > 0,
        zip(want, got).allSatisfy({ abs($0 - $1 / total) <= 1e-6 })
      else { return nil }
      sums.append(total)
    }
    guard let off = sums.first(where: { abs($0 - 1) > 1e-6 }) else { return nil }
    return expected.rank == 1
      ? "your values are right up to a factor: they add up to \(number(off)) where they should add up to 1"
      : "your rows are right up to a factor: one adds up to \(number(off)) where each should add up to 1"
  }

  /// Whether a value holds `nan` or an infinity anywhere (walked with a
  /// worklist: a student's value may nest deep).
  static func hasNonFinite(_ value: Value) -> Bool {
    var pending = [value]
    while let next = pending.popLast() {
      switch next {
      case .list(let items): pending += items
      case .record(let record): pending += record.fields.map(\.value)
      default: if next.tensor?.scalars.contains(where: { !$0.isFinite }) == true { return true }
      }
    }
    return false
  }

  /// Two different numbers written so that they look different: with more
  /// digits when four decimals would show the same.
  static func distinct(_ a: Double, _ b: Double) -> (String, String) {
    let short = (number(a), number(b))
    if short.0 != short.1 { return short }
    for digits in [8, 12, 17] {
      let long = (String(format: "%.\(digits)g", a), String(format: "%.\(digits)g", b))
      if long.0 != long.1 { return long }
    }
    return short
  }

  static func number(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    if abs(value) >= 1e-4 && abs(value) < 1e6 { return String(format: "%.4f", value) }
    return String(format: "%.4g", value)
  }

  static func position(_ offset: Int, in shape: Shape) -> String {
    var indices: [Int] = []
    var rest = offset
    for size in shape.reversed() {
      indices.insert(rest % max(size, 1), at: 0)
      rest /= max(size, 1)
    }
    return "[" + indices.map(String.init).joined(separator: ", ") + "]"
  }

  static func article(_ value: Value) -> String {
    let name = value.typeName
    return (name.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + name
  }

  static func quoted(_ text: String) -> String { "\"" + text + "\"" }
}
