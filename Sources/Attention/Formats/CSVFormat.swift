/// Numbers as comma-separated text, one row per line: what spreadsheets and
/// `np.savetxt(path, x, delimiter=",")` write.
///
/// A file with one line reads as a vector `[n]`; more lines read as a matrix
/// `[rows, columns]`. `nan`, `inf` and `-inf` are accepted, blank lines and
/// lines starting with `#` are skipped.
public enum CSVFormat {
  /// The tensor in CSV text.
  ///
  /// - Throws: ``TensorError`` (operation `load`) naming the line and the
  ///   field that is not a number, or rows of different lengths.
  public static func decode(_ text: String) throws -> Tensor {
    try decodeWithHeader(text, allowingHeader: false).tensor
  }

  /// The tensor in CSV text whose first line may be a header of column
  /// names (`query,key,weight`): a first line with a field that is not a
  /// number is taken as one when `allowingHeader`.
  public static func decodeWithHeader(_ text: String, allowingHeader: Bool = true) throws -> (
    header: [String]?, tensor: Tensor
  ) {
    var rows: [[Double]] = []
    var header: [String]? = nil
    // Split on any line ending: "\r\n" is a single Character in Swift.
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      if allowingHeader, rows.isEmpty, header == nil,
        fields.contains(where: { number(String($0.filter { $0 != " " && $0 != "\t" })) == nil })
      {
        header = fields.map { String($0).trimmingCharacters(in: .whitespaces) }
        continue
      }
      var row: [Double] = []
      for field in fields {
        let cleaned = String(field.filter { $0 != " " && $0 != "\t" })
        guard let value = number(cleaned) else {
          throw TensorError("load", "line \(index + 1): '\(field)' is not a number")
        }
        row.append(value)
      }
      if let width = rows.first?.count, width != row.count {
        throw TensorError("load", "line \(index + 1) has \(row.count) values but the first row has \(width)")
      }
      if let header, header.count != row.count {
        throw TensorError(
          "load", "line \(index + 1) has \(row.count) values but the header names \(header.count) columns")
      }
      rows.append(row)
    }
    guard !rows.isEmpty else { throw TensorError("load", "the CSV file holds no numbers") }
    return (header, rows.count == 1 ? Tensor(rows[0]) : try Tensor(rows: rows))
  }

  /// CSV text for a scalar, vector (one line) or matrix (one line per row),
  /// each number at full precision.
  ///
  /// - Throws: ``TensorError`` (operation `save`) for rank 3 or more.
  public static func encode(_ tensor: Tensor) throws -> String {
    guard tensor.rank <= 2 else {
      throw TensorError("save", "CSV holds at most a matrix, got \(Tensor.describe(tensor.shape)); use .npy")
    }
    let columns = tensor.rank == 2 ? tensor.shape[1] : tensor.count
    guard columns > 0 else { return "\n" }
    var lines: [String] = []
    var index = 0
    let values = tensor.scalars
    while index < tensor.count {
      lines.append(values[index..<(index + columns)].map(format).joined(separator: ","))
      index += columns
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func number(_ text: String) -> Double? {
    switch text.lowercased() {
    case "nan": return .nan
    case "inf", "+inf", "infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    default: return Double(text)
    }
  }

  static func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value)"
  }
}
