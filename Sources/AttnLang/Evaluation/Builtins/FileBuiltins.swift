import Attention
import Foundation

extension Builtins {
  static let fileBuiltins: [Builtin] = [
    Builtin(
      name: "load", topic: .pictures,
      parameters: [.positional("path", .string, "a .npy or .csv file")],
      summary: "reads a tensor from a NumPy .npy file or a CSV file",
      details: """
        .npy: float64, float32, int64 or int32 in C order, as np.save writes them —
        dump real attention weights from PyTorch with np.save("w.npy", attn.numpy()).
        .csv: numbers separated by commas, one row per line (one line gives a vector).
        Only the file you name is read.
        """,
      example: "save(eye(2), \"/tmp/attn-example.npy\")\nload(\"/tmp/attn-example.npy\")"
    ) { args in
      let path = try args.string("path")
      let format = try FileKind(path, operation: "load")
      let data = try readFile(path, limit: readLimit())
      let tensor: Tensor
      switch format {
      case .npy: tensor = try NumPyFormat.decode(Array(data))
      case .csv:
        guard let text = String(data: data, encoding: .utf8) else {
          throw TensorError("load", "'\(path)' is not UTF-8 text")
        }
        tensor = try CSVFormat.decode(text)
      case .svg: throw TensorError("load", "cannot load a picture; load .npy or .csv files")
      }
      return .tensor(tensor)
    },
    Builtin(
      name: "save", topic: .pictures,
      parameters: [.positional("x", .tensor, ""), .positional("path", .string, "a .npy or .csv file")],
      summary: "writes a tensor to a .npy file (float64) or a .csv file",
      details: "The file is written whole or not at all (a temporary file, then renamed).",
      example: "save(softmax([1, 2, 3]), \"/tmp/attn-example.csv\")"
    ) { args in
      let tensor = try args.tensor("x")
      let path = try args.string("path")
      let bytes: [UInt8]
      switch try FileKind(path, operation: "save") {
      case .npy: bytes = NumPyFormat.encode(tensor)
      case .csv: bytes = Array(try CSVFormat.encode(tensor).utf8)
      case .svg: throw TensorError("save", "to draw a picture use svg(x, \"\(path)\")")
      }
      try writeFile(bytes, to: path, operation: "save")
      return .text("saved \(Tensor.describe(tensor.shape)) to \(path)")
    },
    Builtin(
      name: "svg", topic: .pictures,
      parameters: [
        .positional("x", .any, "a tensor, an attention record or a picture"),
        .positional("path", .string, "a .svg file"), rowsParameter, colsParameter, titleParameter,
      ],
      summary: "writes a heatmap (matrix, heads, attention record) or bar chart (vector) as an SVG file",
      details: "x may also be a picture made by heatmap(...) or bars(...). Each cell has a tooltip with its value.",
      example: "svg(attend([1, 0], eye(2)), \"/tmp/attn-example.svg\")"
    ) { args in
      let path = try args.string("path")
      guard case .svg = try FileKind(path, operation: "svg") else {
        throw TensorError("svg", "the file name must end in .svg, got '\(path)'")
      }
      let figure = try args.figure("x")
      try writeFile(Array(FigureSVG.render(figure).utf8), to: path, operation: "svg")
      return .text("saved a \(figure.kind == .heatmap ? "heatmap" : "bar chart") to \(path)")
    },
  ]
}

/// The file formats the language reads and writes, by extension.
enum FileKind {
  case npy, csv, svg

  init(_ path: String, operation: String) throws {
    switch (path as NSString).pathExtension.lowercased() {
    case "npy": self = .npy
    case "csv": self = .csv
    case "svg": self = .svg
    case let other:
      throw TensorError(operation, "unknown file type '.\(other)' in '\(path)'; use .npy or .csv")
    }
  }
}

/// Reads a whole file, refusing directories, missing files and files over `limit` bytes.
func readFile(_ path: String, limit: Int64, operation: String = "load") throws -> Data {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw TensorError(operation, "cannot read '\(path)': no such file")
  }
  guard !isDirectory.boolValue else { throw TensorError(operation, "cannot read '\(path)': it is a directory") }
  let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
  guard size <= limit else {
    throw TensorError(operation, "'\(path)' is \(size) bytes, more than the element limit allows")
  }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw TensorError(operation, "cannot read '\(path)': permission denied")
  }
  return data
}

/// The most bytes a file read for the language may have: the element
/// limit's worth of float64s, plus a header.
func readLimit() -> Int64 {
  let (bytes, overflow) = ExecutionContext.current.maximumElements.multipliedReportingOverflow(by: 8)
  return overflow ? Int64.max : Swift.min(Int64(bytes), Int64.max - (1 << 20)) + (1 << 20)
}

/// Writes a whole file atomically: a temporary file in the same directory, then a rename.
func writeFile(_ bytes: [UInt8], to path: String, operation: String) throws {
  do {
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw TensorError(operation, "cannot write '\(path)': \((error as NSError).localizedDescription)")
  }
}

extension Arguments {
  /// A picture from argument `index`: a figure, a tensor (matrix or heads →
  /// heatmap, vector → bars) or an attention record (its weights).
  func figure(_ parameter: String) throws -> Figure {
    let argument = ArgumentValue(value: try value(parameter), range: range(of: parameter))
    let title = try optionalString("title")
    switch argument.value {
    case .figure(var figure):
      if let title { figure.title = title }
      return figure
    case .record(let record):
      guard case .tensor(let weights)? = record["weights"] else {
        throw Diagnostic("\(name): this record has no weights to draw", at: argument.range)
      }
      return try figure(of: weights, title: title, range: argument.range)
    case .tensor(let tensor):
      return try figure(of: tensor, title: title, range: argument.range)
    default:
      throw Diagnostic("\(name): cannot draw a \(argument.value.typeName)", at: argument.range)
    }
  }

  /// A vector as bars, a matrix or heads as a heatmap, with `rows:` and
  /// `cols:` checked against its sizes as `heatmap` and `bars` check them.
  func figure(of tensor: Tensor, title: String?, range: SourceRange) throws -> Figure {
    switch tensor.rank {
    case 0, 1:
      return Figure(
        kind: .bars, data: try tensor.reshaped([tensor.count]), rowLabels: try labels("rows", count: tensor.count),
        title: title)
    case 2, 3:
      return Figure(
        kind: .heatmap, data: tensor, rowLabels: try labels("rows", count: tensor.shape[tensor.rank - 2]),
        columnLabels: try labels("cols", count: tensor.shape[tensor.rank - 1]), title: title)
    default:
      throw Diagnostic("\(name): cannot draw a tensor of shape \(Tensor.describe(tensor.shape))", at: range)
    }
  }
}
