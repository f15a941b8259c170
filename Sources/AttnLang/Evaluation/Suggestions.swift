/// The candidate closest to `name` by edit distance, if it is close enough
/// to be what the user meant (at most a third of the name's length, and 2).
func closestMatch(to name: String, in candidates: [String]) -> String? {
  let limit = min(2, max(1, name.count / 3))
  var best: (String, Int)? = nil
  for candidate in Set(candidates).sorted() {
    let distance = editDistance(name, candidate)
    if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
  }
  return best?.0
}

/// The Damerau–Levenshtein (optimal string alignment) distance: insertions,
/// deletions, substitutions and swaps of neighbours each cost 1.
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.lowercased())
  let y = Array(b.lowercased())
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var previousRow: [Int] = []
  var row = Array(0...y.count)
  for i in 1...x.count {
    let beforePrevious = previousRow
    previousRow = row
    row = [i] + [Int](repeating: 0, count: y.count)
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
      if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
        row[j] = min(row[j], beforePrevious[j - 2] + 1)
      }
    }
  }
  return row[y.count]
}
