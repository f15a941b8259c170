/// Why `value` is not usable as a whole number: not whole, or too large.
func integerProblem(_ value: Double, what: String) -> String {
  if value.isFinite, value.rounded() == value { return "\(what) is too large: \(value)" }
  return "\(what) must be a whole number, got \(value)"
}

/// `value` as an `Int` when it is a whole number that fits, else `nil`.
func exactInteger(_ value: Double) -> Int? {
  guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else { return nil }
  return Int(value)
}
