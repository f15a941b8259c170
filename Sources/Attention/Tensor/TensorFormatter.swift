import Foundation

/// Formats tensors as aligned, bracketed text: `[0.0900, 0.2447, 0.6652]`.
///
/// Every element of one tensor uses one format: whole numbers print without
/// decimals, others with `precision` decimals (scientific notation when the
/// largest magnitude is ≥ 1e8 or every nonzero one is below 1e-4), and all are
/// right-aligned to one width so columns line up — except a vector of whole
/// numbers, which prints as written (`[2, 384]`, like a shape). Matrices and higher ranks
/// get a header with their shape (`2×3 tensor`). A tensor that is not float64 says its
/// type: `[0.5000, 0.2500] float32`, `2×3 bfloat16 tensor`.
public struct TensorFormatter: Sendable {
  /// How tensors print.
  public struct Options: Equatable, Sendable {
    /// Digits after the decimal point.
    public var precision = 4
    /// Tensors with more elements than this are summarized with `…`, showing
    /// ``edgeItems`` entries at each end of every axis (NumPy's threshold).
    public var summarizeAbove = 1000
    /// How many entries are shown at each end of a summarized axis.
    public var edgeItems = 3
    /// The line width: wider rows show as many columns from each end as fit.
    public var width = 80

    /// Options for printing; the defaults are the prompt's.
    public init(precision: Int = 4, summarizeAbove: Int = 1000, edgeItems: Int = 3, width: Int = 80) {
      self.precision = precision
      self.summarizeAbove = summarizeAbove
      self.edgeItems = edgeItems
      self.width = width
    }
  }

  enum Mode { case integer, fixed, scientific }

  /// How this formatter prints.
  public var options: Options

  /// A formatter with `options` (the prompt's by default).
  public init(options: Options = Options()) {
    self.options = options
  }

  /// The tensor as text: `[0.0900, 0.2447, 0.6652]`, or a header and rows for a matrix.
  public func format(_ tensor: Tensor) -> String {
    // An empty tensor's other axes can be long: [50000000, 0] prints its rows summarized too.
    let span = tensor.shape.reduce(1) { $0.multipliedReportingOverflow(by: max($1, 1)).partialValue }
    let summarize = tensor.count > options.summarizeAbove || span > options.summarizeAbove
    // As NumPy: a summarized tensor's format is chosen from the elements shown,
    // so ten million elements cost no more to print than a thousand.
    // Read once: `scalars` of a float32 tensor is a widened copy.
    let values = tensor.scalars
    let shown = summarize ? visibleScalars(of: tensor, values) : Array(values)
    let mode = Self.mode(for: shown, precision: options.precision)
    // Whole numbers in a vector (a shape, indices) print as written, `[2, 384]`:
    // there are no columns to line up.
    let width = shown.reduce(0) { max($0, element($1, mode).count) }
    var body = ""
    if tensor.isScalar {
      body = element(values[0], mode)
    } else {
      let columns = columnPositions(
        count: tensor.shape[tensor.rank - 1], rank: tensor.rank, width: width, summarize: summarize)
      write(
        tensor, values, axis: 0, offset: 0, indent: 0, width: tensor.rank == 1 && mode == .integer ? 1 : width,
        mode: mode,
        summarize: summarize, columns: columns, into: &body)
    }
    let type = tensor.dtype == .float64 ? "" : " " + tensor.dtype.rawValue
    guard tensor.rank >= 2 else { return body + type }
    let header = tensor.shape.map(String.init).joined(separator: "×") + type + " tensor"
    return header + "\n" + body
  }

  static func mode(for scalars: [Double], precision: Int) -> Mode {
    let finite = scalars.filter { $0.isFinite }
    if finite.allSatisfy({ $0.rounded() == $0 && abs($0) < 1e16 }) { return .integer }
    let magnitudes = finite.map(\.magnitude).filter { $0 > 0 }
    let largest = magnitudes.max() ?? 0
    if largest >= 1e8 || (largest > 0 && largest < 1e-4) { return .scientific }
    return .fixed
  }

  func element(_ value: Double, _ mode: Mode) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    switch mode {
    case .integer:
      return String(Int64(value))
    case .fixed:
      let text = String(format: "%.\(options.precision)f", value)
      return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." })
        ? String(text.dropFirst()) : text
    case .scientific:
      return String(format: "%.\(options.precision)e", value)
    }
  }

  /// The columns shown on each line: all of them when they fit in the
  /// display width, else as many from each end as fit, around a `…`.
  func columnPositions(count: Int, rank: Int, width: Int, summarize: Bool) -> [Int?] {
    let positions = visiblePositions(size: count, summarize: summarize)
    let brackets = 2 * rank + 1
    let lineLength = brackets + positions.count * (width + 2)
    guard lineLength > options.width, count > 2 else { return positions }
    let perSide = max(1, (options.width - brackets - 3) / (width + 2) / 2)
    guard 2 * perSide < count else { return positions }
    return Array(0..<perSide) + [nil] + Array((count - perSide)..<count)
  }

  func write(
    _ tensor: Tensor, _ values: TensorBuffer<Double>, axis: Int, offset: Int, indent: Int, width: Int, mode: Mode,
    summarize: Bool,
    columns: [Int?], into out: inout String
  ) {
    let size = tensor.shape[axis]
    let stride = tensor.shape[(axis + 1)...].reduce(1, *)
    let positions = axis == tensor.rank - 1 ? columns : visiblePositions(size: size, summarize: summarize)
    out += "["
    if axis == tensor.rank - 1 {
      out += positions.map { position in
        guard let position else { return String(repeating: " ", count: max(width - 1, 0)) + "…" }
        let text = element(values[offset + position], mode)
        return String(repeating: " ", count: max(width - text.count, 0)) + text
      }.joined(separator: ", ")
    } else {
      let separator = ",\n" + String(repeating: "\n", count: tensor.rank - axis - 2)
      for (index, position) in positions.enumerated() {
        if index > 0 { out += separator + String(repeating: " ", count: indent + 1) }
        if let position {
          write(
            tensor, values, axis: axis + 1, offset: offset + position * stride, indent: indent + 1, width: width,
            mode: mode, summarize: summarize, columns: columns, into: &out)
        } else {
          out += "…"
        }
      }
    }
    out += "]"
  }

  /// The elements a summarized tensor shows: those at the shown positions of every axis.
  func visibleScalars(of tensor: Tensor, _ values: TensorBuffer<Double>) -> [Double] {
    var offsets = [0]
    var stride = tensor.count
    for size in tensor.shape {
      stride /= max(size, 1)
      let positions = visiblePositions(size: size, summarize: true).compactMap { $0 }
      offsets = offsets.flatMap { base in positions.map { base + $0 * stride } }
    }
    return tensor.count == 0 ? [] : offsets.map { values[$0] }
  }

  /// The positions shown along an axis; `nil` marks the elided middle.
  func visiblePositions(size: Int, summarize: Bool) -> [Int?] {
    guard summarize, size > 2 * options.edgeItems else { return Array(0..<size) }
    return Array(0..<options.edgeItems) + [nil] + Array((size - options.edgeItems)..<size)
  }
}

extension Tensor: CustomStringConvertible {
  /// The tensor as the attn prompt prints it (4 decimals, large tensors
  /// summarized): `[0.0900, 0.2447, 0.6652]`.
  public var description: String { TensorFormatter().format(self) }
}
