import Attention

/// How values print: numbers, pictures, width.
public struct DisplayOptions: Equatable, Sendable {
  /// Digits after the decimal point.
  public var precision: Int = 4
  /// Tensors with more elements than this are summarized with `…`, showing
  /// ``edgeItems`` entries at each end of every axis (NumPy's threshold).
  public var summarizeAbove: Int = 1000
  public var edgeItems: Int = 3
  /// How pictures (heatmaps, bars) are drawn.
  public var pictures: PictureStyle = .plain
  /// Whether attention records also draw their weights (on color terminals).
  public var picturesUnderRecords = false
  /// The width pictures must fit in.
  public var width = 80
  /// Whether text that prints as is (`print`, messages) shows its control
  /// characters as escapes: on a terminal, where they would drive it.
  public var escapesControlCharacters = false

  public init(precision: Int = 4) {
    self.precision = precision
  }

  /// The same precision with plain pictures, no extra pictures under
  /// records and the standard width: the deterministic form lessons record.
  public var plain: DisplayOptions { DisplayOptions(precision: precision) }
}

extension TensorFormatter {
  /// A formatter with the display's precision, summarizing and width.
  init(options: DisplayOptions) {
    self.init(
      options: Options(
        precision: options.precision, summarizeAbove: options.summarizeAbove, edgeItems: options.edgeItems,
        width: options.width))
  }
}
