import Dispatch

/// The median wall-clock time of `body` in seconds, over enough runs to
/// fill about `budget` seconds (at least 3, after one warm-up run).
func medianTime(budget: Double = 1, _ body: () throws -> Void) rethrows -> Double {
  try body()
  var samples: [Double] = []
  let start = DispatchTime.now().uptimeNanoseconds
  repeat {
    let before = DispatchTime.now().uptimeNanoseconds
    try body()
    samples.append(Double(DispatchTime.now().uptimeNanoseconds - before) / 1e9)
  } while samples.count < 3
    || (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < budget && samples.count < 10_000)
  samples.sort()
  return samples[samples.count / 2]
}
