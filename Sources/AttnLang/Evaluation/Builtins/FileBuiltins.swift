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
        .positional("path", .string, "a \(TensorFileFormat.extensionList) file"),
        .named(
          "name", .string, shown: "all",
          "one tensor of a \(TensorFileFormat.namedExtensionList) file (only its bytes are read)"),
        .named(
          "dtype", .string, shown: "the file's", "convert every tensor read: \"float64\", \"float32\", \"bfloat16\""),
      ],
      summary: "reads tensors from NumPy (.npy, .npz), safetensors or CSV files",
      details: """
        .npy: float64, float32, int64 or int32, C or Fortran order, as np.save writes them —
        dump real attention weights from PyTorch with np.save("w.npy", attn.numpy()).
        Floating types stay as stored (float32 stays float32, BF16 bfloat16; F16 becomes
        float32, integers float64) unless dtype: asks for one type (dtype: "float64").
        .npz (np.savez) and .safetensors (Hugging Face models; F64, F32, F16, BF16 and
        integers) give a record of their tensors by name — use
        r["encoder.layer.0.attention.self.query.weight"] for names with dots — or, with
        name:, that one tensor. .csv: numbers separated by commas, one row per line (one
        line gives a vector); a first line of names gives a record {columns, data}.
        Only the file you name is read.
        """,
      example: "save(eye(2), tempdir(\"example.npy\"))\nload(tempdir(\"example.npy\"))"
    ) { args in
      let value = try args.loadTensors()
      return args.has("dtype") ? value.converted(to: try args.dtype(), replacing: true) : value
    },
    Builtin(
      name: "save", topic: .pictures,
      parameters: [
        .positional("x", .any, "a tensor, or a record of tensors for .npz and .safetensors"),
        .positional("path", .string, "a \(TensorFileFormat.extensionList) file"),
        .named(
          "dtype", .string, shown: "each tensor's",
          "store every number as \"float64\", \"float32\" or \"bfloat16\" (.safetensors)"),
      ],
      summary: "writes a tensor (.npy, .csv) or a record of tensors (.npz, .safetensors) to a file",
      details: """
        .npy as np.save writes it; .npz as np.savez (a tensor alone is arr_0); .safetensors
        with its names sorted, as Hugging Face's package writes it; .csv one row per line.
        A record's fields are the names; a record inside a record is named with dots
        ({layer: {w: W}} → "layer.w"), and a list's items by their positions
        ({h: list({w: W0}, {w: W1})} → "h.0.w", "h.1.w", as PyTorch's ModuleList), as
        models name their weights. Each tensor is stored in its own type (x.dtype) unless
        dtype: says otherwise: "float32" halves a float64 file. NumPy has no bfloat16: .npy
        and .npz store bfloat16 tensors as float32 (exactly). The file is written whole or
        not at all.
        """,
      example: "save(softmax([1, 2, 3]), tempdir(\"p.csv\"))"
    ) { args in
      let path = try args.string("path")
      let element = args.has("dtype") ? StoredElement(rawValue: try args.dtype().rawValue) : nil
      guard case .tensors(let format) = try args.fileKind(path, writing: true) else {
        throw TensorError("save", "to draw a picture use svg(x, \"\(path)\")")
      }
      let value = try args.value("x")
      let contents: TensorFileContents
      switch value {
      case .tensor(let tensor): contents = .tensor(tensor)
      case .number(let number): contents = .tensor(Tensor(number))
      case .record(let record): contents = .named(try savedTensors(record, at: args.range(of: "x")))
      default: throw TensorError("save", "can save a tensor or a record of tensors, not a \(value.typeName)")
      }
      try args.writeFile(try format.encode(contents, element), to: path)
      if case .named(let tensors) = contents {
        return .text("saved \(tensors.count) tensor\(tensors.count == 1 ? "" : "s") to \(path)")
      }
      return .text("saved \(Tensor.describe(value.tensor?.shape ?? [])) to \(path)")
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

/// A file's tensors by name, as the record `load` gives.
func namedTensors(_ tensors: [(name: String, tensor: Tensor)]) -> Record {
  Record(tensors.map { ($0.name, Value.tensor($0.tensor)) })
}

/// The tensors of a record to save, by name: a record inside it is named
/// with dots (`layer.w`), a list's items by position (`h.0.w`, as PyTorch
/// names a `ModuleList`'s). Walked without recursion; records nested deeper
/// than any structured-value operation allows (``Value/maximumStructureDepth``)
/// are refused as they are everywhere else.
func savedTensors(_ record: Record, at range: SourceRange) throws -> [(name: String, tensor: Tensor)] {
  var tensors: [(name: String, tensor: Tensor)] = []
  // Fields still to visit, the next one last.
  var pending = record.fields.reversed().map { (name: $0.name, value: $0.value, depth: 1) }
  while let (name, value, depth) = pending.popLast() {
    switch value {
    case .tensor(let tensor): tensors.append((name, tensor))
    case .number(let number): tensors.append((name, Tensor(number)))
    case .record(let inner):
      guard depth < Value.maximumStructureDepth else { throw Value.tooDeep("save", at: range) }
      pending += inner.fields.reversed().map { (name: name + "." + $0.name, value: $0.value, depth: depth + 1) }
    case .list(let items):
      guard depth < Value.maximumStructureDepth else { throw Value.tooDeep("save", at: range) }
      pending += items.enumerated().reversed().map {
        (name: "\(name).\($0.offset)", value: $0.element, depth: depth + 1)
      }
    default:
      throw TensorError(
        "save", "field '\(name)' is a \(value.typeName); only tensors (and records and lists of them) are saved")
    }
  }
  return tensors
}

/// What a file name's extension says it holds: tensors in a format of the
/// library's registry, or a picture.
enum FileKind {
  case tensors(TensorFileFormat)
  case svg

  init(_ path: String, operation: String) throws {
    let fileExtension = (path as NSString).pathExtension.lowercased()
    if fileExtension == "svg" {
      self = .svg
      return
    }
    if let format = TensorFileFormat.named(byExtension: fileExtension) {
      self = .tensors(format)
      return
    }
    throw TensorError(
      operation,
      fileExtension.isEmpty
        ? "'\(path)' has no extension to say its format; use \(TensorFileFormat.extensionList) (or .svg for a picture)"
        : "unknown file type '.\(fileExtension)' in '\(path)'; use \(TensorFileFormat.extensionList) (or .svg for a picture)"
    )
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
  return overflow ? Int64.max : min(Int64(bytes), Int64.max - (1 << 20)) + (1 << 20)
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

  /// What `load` reads, each tensor in the type it is stored in.
  func loadTensors() throws -> Value {
    let args = self
    let path = try args.string("path")
    guard case .tensors(let format) = try args.fileKind(path, writing: false) else {
      throw TensorError("load", "cannot load a picture; load \(TensorFileFormat.extensionList) files")
    }
    let name = try args.optionalString("name")
    if name != nil, !format.holdsNamedTensors {
      throw TensorError("load", "name: picks a tensor of a \(TensorFileFormat.namedExtensionList) file")
    }
    if format.fileExtension == TensorFileFormat.safetensors.fileExtension {
      // Only the header and the tensors asked for are read.
      let file = try args.openFile(path)
      let tensors = try SafetensorsFormat.read(
        FileHandle(fileDescriptor: file.descriptor, closeOnDealloc: false), shown: path, names: name.map { [$0] })
      if name != nil, let only = tensors.first { return .tensor(only.tensor) }
      return .record(namedTensors(tensors))
    }
    let bytes = Array(try args.readFile(path, limit: readLimit()))
    if let actual = TensorFileFormat.recognizing(bytes), actual.fileExtension != format.fileExtension {
      throw TensorError(
        "load", "'\(path)' is \(actual.description) by its first bytes: name it .\(actual.fileExtension)")
    }
    switch try format.decode(bytes) {
    case .tensor(let tensor): return .tensor(tensor)
    case .table(let columns, let data):
      return .record(Record([("columns", .list(columns.map { .string($0) })), ("data", .tensor(data))]))
    case .named(let tensors):
      guard let name else { return .record(namedTensors(tensors)) }
      guard let tensor = tensors.first(where: { $0.name == name })?.tensor else {
        throw TensorError(
          "load", "'\(path)' has no array '\(name)'; it has \(tensors.map(\.name).joined(separator: ", "))")
      }
      return .tensor(tensor)
    }
  }
}
