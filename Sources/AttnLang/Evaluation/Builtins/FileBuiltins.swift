import Attention
import Foundation

extension Builtins {
  static let fileBuiltins: [Builtin] = [
    Builtin(
      name: "tempdir", topic: .pictures,
      parameters: [.optional("name", .string, shown: "the directory", "a file name inside it")],
      summary: "the session's own temporary directory, or the path of a file in it",
      details: """
        Made when first asked for and removed when the session ends. Lessons and submissions run
        confined to their own directory and this one, so write scratch files here:
        save(x, tempdir("x.npy")).
        """,
      example: "save(eye(2), tempdir(\"identity.csv\"))\nload(tempdir(\"identity.csv\"))"
    ) { args in
      let directory = try args.session.temporaryDirectory()
      guard let name = try args.optionalString("name") else { return .string(directory) }
      guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
        throw TensorError("tempdir", "'\(name)' is not a file name (no '/' in it)")
      }
      return .string(directory + "/" + name)
    },
    Builtin(
      name: "load", topic: .pictures,
      parameters: [
        .positional("path", .string, "a .npy, .npz, .safetensors or .csv file"),
        .named("name", .string, shown: "all", "one tensor of a .safetensors or .npz file (only its bytes are read)"),
      ],
      summary: "reads tensors from NumPy (.npy, .npz), safetensors or CSV files",
      details: """
        .npy: float64, float32, int64 or int32, C or Fortran order, as np.save writes them —
        dump real attention weights from PyTorch with np.save("w.npy", attn.numpy()).
        .npz (np.savez) and .safetensors (Hugging Face models; F64, F32, F16, BF16 and
        integers, all read as float64) give a record of their tensors by name — use
        r["encoder.layer.0.attention.self.query.weight"] for names with dots — or, with
        name:, that one tensor. .csv: numbers separated by commas, one row per line (one
        line gives a vector); a first line of names gives a record {columns, data}.
        Only the file you name is read.
        """,
      example: "save(eye(2), tempdir(\"example.npy\"))\nload(tempdir(\"example.npy\"))"
    ) { args in
      let path = try args.string("path")
      let format = try args.fileKind(path, writing: false)
      let name = try args.optionalString("name")
      if name != nil, format != .safetensors, format != .npz {
        throw TensorError("load", "name: picks a tensor of a .safetensors or .npz file")
      }
      if format == .safetensors {
        // Only the header and the tensors asked for are read.
        let file = try args.openFile(path)
        let tensors = try SafetensorsFormat.read(
          FileHandle(fileDescriptor: file.descriptor, closeOnDealloc: false), shown: path, names: name.map { [$0] })
        if name != nil, let only = tensors.first { return .tensor(only.tensor) }
        return .record(Record(tensors.map { ($0.name, Value.tensor($0.tensor)) }))
      }
      let data = try args.readFile(path, limit: readLimit())
      switch format {
      case .npy: return .tensor(try NumPyFormat.decode(Array(data)))
      case .npz:
        let arrays = try NumPyArchiveFormat.decode(Array(data))
        if let name {
          guard let array = arrays.first(where: { $0.name == name }) else {
            throw TensorError(
              "load", "'\(path)' has no array '\(name)'; it has \(arrays.map(\.name).joined(separator: ", "))")
          }
          return .tensor(array.tensor)
        }
        return .record(Record(arrays.map { ($0.name, Value.tensor($0.tensor)) }))
      case .csv:
        guard let text = String(data: data, encoding: .utf8) else {
          throw TensorError("load", "'\(path)' is not UTF-8 text")
        }
        let (header, tensor) = try CSVFormat.decodeWithHeader(text)
        guard let header else { return .tensor(tensor) }
        return .record(Record([("columns", .list(header.map { .string($0) })), ("data", .tensor(tensor))]))
      case .svg: throw TensorError("load", "cannot load a picture; load .npy, .npz, .safetensors or .csv files")
      case .safetensors: return .none
      }
    },
    Builtin(
      name: "save", topic: .pictures,
      parameters: [.positional("x", .tensor, ""), .positional("path", .string, "a .npy or .csv file")],
      summary: "writes a tensor to a .npy file (float64) or a .csv file",
      details: "The file is written whole or not at all (a temporary file, then renamed).",
      example: "save(softmax([1, 2, 3]), tempdir(\"p.csv\"))"
    ) { args in
      let tensor = try args.tensor("x")
      let path = try args.string("path")
      let bytes: [UInt8]
      switch try args.fileKind(path, writing: true) {
      case .npy: bytes = NumPyFormat.encode(tensor)
      case .csv: bytes = Array(try CSVFormat.encode(tensor).utf8)
      case .svg: throw TensorError("save", "to draw a picture use svg(x, \"\(path)\")")
      case .npz, .safetensors: throw TensorError("save", "save writes .npy and .csv files")
      }
      try args.writeFile(bytes, to: path)
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
      example: "svg(attend([1, 0], eye(2)), tempdir(\"weights.svg\"))"
    ) { args in
      let path = try args.string("path")
      guard case .svg = try args.fileKind(path, writing: true) else {
        throw TensorError("svg", "the file name must end in .svg, got '\(path)'")
      }
      let figure = try args.figure("x")
      try args.writeFile(Array(FigureSVG.render(figure).utf8), to: path)
      return .text("saved a \(figure.kind == .heatmap ? "heatmap" : "bar chart") to \(path)")
    },
  ]
}

/// The file formats the language reads and writes, by extension.
enum FileKind {
  case npy, npz, safetensors, csv, svg

  init(_ path: String, operation: String) throws {
    switch (path as NSString).pathExtension.lowercased() {
    case "npy": self = .npy
    case "npz": self = .npz
    case "safetensors": self = .safetensors
    case "csv": self = .csv
    case "svg": self = .svg
    case "":
      throw TensorError(
        operation, "'\(path)' has no extension to say its format; use .npy, .npz, .safetensors, .csv (or .svg)")
    case let other:
      throw TensorError(
        operation, "unknown file type '.\(other)' in '\(path)'; use .npy, .npz, .safetensors, .csv (or .svg)")
    }
  }
}

extension Arguments {
  /// The bytes of the file at `path`, where the session's ``FileAccess``
  /// allows, at most `limit` bytes.
  func readFile(_ path: String, limit: Int64) throws -> Data {
    let file = try openFile(path)
    do {
      return Data(try file.readAll(limit: limit, shown: path))
    } catch let error as FileAccessError {
      throw TensorError(name, error.description)
    }
  }

  /// The file at `path`, opened for reading where the session's ``FileAccess`` allows.
  func openFile(_ path: String) throws -> OpenFile {
    do {
      return try session.options.files.openForReading(path, temporary: session.madeTemporaryDirectory)
    } catch let error as FileAccessError {
      throw TensorError(name, error.description)
    }
  }

  /// Writes a whole file atomically (a temporary file in the same directory,
  /// then a rename), where the session's ``FileAccess`` allows.
  func writeFile(_ bytes: [UInt8], to path: String) throws {
    do {
      try session.options.files.write(bytes, to: path, temporary: session.madeTemporaryDirectory)
    } catch let error as FileAccessError {
      throw TensorError(name, error.description)
    }
  }

  /// The file kind of `path`, after checking that the session may use it at
  /// all (so a refused path says so, whatever its extension).
  func fileKind(_ path: String, writing: Bool) throws -> FileKind {
    if session.options.files.isConfined {
      do {
        _ = try session.options.files.locate(path, temporary: session.madeTemporaryDirectory, writing: writing)
      } catch let error as FileAccessError {
        throw TensorError(name, error.description)
      }
    }
    return try FileKind(path, operation: name)
  }
}

/// The most bytes a file read for the language may have: the element
/// limit's worth of float64s, plus a header.
func readLimit() -> Int64 {
  let (bytes, overflow) = ExecutionContext.current.maximumElements.multipliedReportingOverflow(by: 8)
  return overflow ? Int64.max : Swift.min(Int64(bytes), Int64.max - (1 << 20)) + (1 << 20)
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
