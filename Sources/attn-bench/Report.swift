import Foundation

/// The table attn-bench prints.
enum Report {
  static func print(_ rows: [Row], versions: [String: String], idleMemory: Double?) {
    let header = ["workload", "attn", "reference", "attn/reference", "attn GFLOP/s", "reference GFLOP/s"]
    var table: [[String]] = [header]
    for row in rows {
      table.append([
        row.workload, duration(row.attn), row.reference.map { duration($0) + " (\(row.against))" } ?? "—",
        row.reference.map { String(format: "%.2f", row.attn / $0) } ?? "—",
        row.flops.map { String(format: "%.1f", $0 / row.attn / 1e9) } ?? "",
        zip(row.flops, row.reference).map { String(format: "%.1f", $0 / $1 / 1e9) } ?? "",
      ])
    }
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for (index, line) in table.enumerated() {
      Swift.print(
        "| "
          + line.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
          .joined(separator: " | ") + " |")
      if index == 0 {
        Swift.print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
      }
    }
    Swift.print("")
    if let idleMemory { Swift.print(String(format: "attn idle at the prompt: %.1f MB resident", idleMemory)) }
    Swift.print(
      "NumPy \(versions["numpy"] ?? "not available"), PyTorch \(versions["torch"] ?? "not available"); "
        + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
  }

  static func duration(_ seconds: Double) -> String {
    if seconds >= 1 { return String(format: "%.2f s", seconds) }
    if seconds >= 1e-3 { return String(format: "%.2f ms", seconds * 1e3) }
    // Two decimals below 10 µs: the small statements differ by tenths of a microsecond.
    if seconds < 1e-5 { return String(format: "%.2f µs", seconds * 1e6) }
    return String(format: "%.1f µs", seconds * 1e6)
  }
}

func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
  guard let a, let b else { return nil }
  return (a, b)
}
