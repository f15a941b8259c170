import Foundation

/// Timings from a Python script (Benchmarks/numpy_side.py, torch_side.py)
/// run in a child process; it prints one JSON object of workload → seconds,
/// plus version strings.
struct PythonSide {
  var timings: [String: Double] = [:]
  var versions: [String: String] = [:]

  subscript(name: String) -> Double? { timings[name] }

  /// Runs `script`; `library` names what it needs, for the note printed when
  /// it is missing (its columns then stay empty).
  static func run(script: URL, library: String) -> PythonSide {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("note: python3 is not available; \(library) columns are empty\n".utf8))
      return PythonSide()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
      FileHandle.standardError.write(Data("note: \(library) is not available; its columns are empty\n".utf8))
      return PythonSide()
    }
    var side = PythonSide()
    for (key, value) in object {
      if let seconds = value as? Double, !["threads"].contains(key) { side.timings[key] = seconds }
      if let version = value as? String { side.versions[key] = version }
    }
    if object.isEmpty {
      FileHandle.standardError.write(Data("note: \(library) is not installed; its columns are empty\n".utf8))
    }
    return side
  }
}
