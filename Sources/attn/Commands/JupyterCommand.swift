import ArgumentParser
import Foundation
import Lessons

/// `attn jupyter install`: the attn kernel for Jupyter.
struct JupyterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jupyter", abstract: "Set up attn as a Jupyter kernel.",
    discussion: """
      attn jupyter install writes the kernel spec (kernel.json and a small Python
      wrapper kernel) so that Jupyter offers an "attn" kernel: cells keep one session,
      pictures show as SVG, explain as collapsible stages, errors as Jupyter errors,
      Tab completes and Shift-Tab shows help, and interrupting stops the running cell
      keeping the variables. The kernel needs Python 3 with ipykernel
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
  }

  /// Where kernel specs go: `PREFIX/share/jupyter/kernels`, else Jupyter's
  /// user data directory (`$JUPYTER_DATA_DIR`, `$XDG_DATA_HOME/jupyter`, `~/.local/share/jupyter`).
  var kernelsDirectory: String {
    if let prefix { return prefix + "/share/jupyter/kernels" }
    let environment = ProcessInfo.processInfo.environment
    if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty { return data + "/kernels" }
    if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/jupyter/kernels" }
    return (environment["HOME"] ?? "") + "/.local/share/jupyter/kernels"
  }

  func run() throws {
    let directory = kernelsDirectory + "/attn"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let spec: [String: Any] = [
      "argv": [python, "{resource_dir}/attn_kernel.py", "-f", "{connection_file}"],
      "display_name": "attn", "language": "attn", "interrupt_mode": "message",
      "env": ["ATTN_BINARY": LessonLibrary.executablePath()],
    ]
    let json = try JSONSerialization.data(
      withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try atomicWrite(String(decoding: json, as: UTF8.self) + "\n", to: directory + "/kernel.json")
    try atomicWrite(KernelSource.python, to: directory + "/attn_kernel.py")
    print("installed the attn kernel in \(directory) (it runs \(python) with ipykernel: pip install ipykernel)")
  }
}
