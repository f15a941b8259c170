import ArgumentParser
import Foundation
import Lessons

/// `attn jupyter install`: the attn kernel for Jupyter.
struct JupyterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jupyter", abstract: "Set up attn as a Jupyter kernel.",
    discussion: """
      attn jupyter install writes the kernel spec (kernel.json and a small Python \
      wrapper kernel) so that Jupyter offers an "attn" kernel: cells keep one session, \
      pictures show as SVG, explain as collapsible stages, errors as Jupyter errors, \
      Tab completes and Shift-Tab shows help, and interrupting stops the running cell \
      keeping the variables. The kernel needs Python 3 with ipykernel \
      (pip install ipykernel); it runs this attn binary.
      """,
    subcommands: [JupyterInstall.self])
}

struct JupyterInstall: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install", abstract: "Install the attn kernel spec for Jupyter.")

  @Flag(name: .long, help: "Install for this user (the default): in Jupyter's user data directory.")
  var user = false

  @Option(name: .long, help: "Install under PREFIX/share/jupyter/kernels instead (a virtual environment, /usr/local).")
  var prefix: String?

  @Option(name: .long, help: "The Python that runs the kernel (it needs ipykernel).")
  var python = "python3"

  func validate() throws {
    if user && prefix != nil { throw ValidationError("--user and --prefix are alternatives") }
    if prefix == "" { throw ValidationError("--prefix needs a directory (it is empty)") }
  }

  /// Where kernel specs go: `PREFIX/share/jupyter/kernels`, else Jupyter's
  /// user data directory (`$JUPYTER_DATA_DIR`, `$XDG_DATA_HOME/jupyter`,
  /// `~/.local/share/jupyter`). Never `/` for want of a home: a usage error
  /// says what to set instead.
  func kernelsDirectory() throws -> String {
    if let prefix { return prefix + "/share/jupyter/kernels" }
    let environment = ProcessInfo.processInfo.environment
    if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty { return data + "/kernels" }
    if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/jupyter/kernels" }
    guard let home = environment["HOME"], home.hasPrefix("/"), home != "/" else {
      throw ValidationError(
        "there is no home directory (HOME is \(environment["HOME"].map { "'\($0)'" } ?? "not set")) to install "
          + "the kernel for this user: set HOME or JUPYTER_DATA_DIR, or give --prefix DIR")
    }
    return home + "/.local/share/jupyter/kernels"
  }

  /// Refuses a directory that cannot be made because something on its way
  /// is a file (`--prefix notes.txt`), naming it.
  func checkMakeable(_ directory: String) throws {
    var path = directory
    var isDirectory: ObjCBool = false
    while !path.isEmpty && path != "/" {
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          throw ValidationError("cannot install in '\(directory)': '\(path)' is a file, not a directory")
        }
        return
      }
      path = (path as NSString).deletingLastPathComponent
    }
  }

  func run() throws {
    let directory = try kernelsDirectory() + "/attn"
    try checkMakeable(directory)
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      printError("attn: error: cannot make the directory '\(directory)': \(error.localizedDescription)")
      throw ExitCode(1)
    }
    let spec: [String: Any] = [
      "argv": [python, "{resource_dir}/attn_kernel.py", "-f", "{connection_file}"],
      "display_name": "attn", "language": "attn", "interrupt_mode": "message",
      "env": ["ATTN_BINARY": LessonLibrary.executablePath()],
    ]
    let json = try JSONSerialization.data(
      withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    do {
      try atomicWrite(String(decoding: json, as: UTF8.self) + "\n", to: directory + "/kernel.json")
      try atomicWrite(KernelSource.python, to: directory + "/attn_kernel.py")
    } catch {
      printError("attn: error: \(error)")
      throw ExitCode(1)
    }
    print("installed the attn kernel in \(directory) (it runs \(python) with ipykernel: pip install ipykernel)")
  }
}
