import Foundation

/// The NumPy timings, from Benchmarks/numpy_side.py run in a child process.
struct NumPySide {
  var timings: [String: Double] = [:]
  var version: String?

  subscript(name: String) -> Double? { timings[name] }

  static func run(script: URL) -> NumPySide {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("note: python3 is not available; NumPy columns are empty\n".utf8))
      return NumPySide()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
      FileHandle.standardError.write(
        Data("note: NumPy is not available (python3 -c 'import numpy' failed); NumPy columns are empty\n".utf8))
      return NumPySide()
    }
    var side = NumPySide()
    for (key, value) in object {
      if let seconds = value as? Double { side.timings[key] = seconds }
    }
    side.version = object["numpy"] as? String
    return side
  }
}
