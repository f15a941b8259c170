import Foundation

/// Timing and measuring whole `attn` processes.
enum Processes {
  /// Median wall time of a shell command line, run through `/bin/sh -c`
  /// with posix_spawn so both sides of a comparison pay the same overhead.
  static func shellTime(_ command: String, runs: Int = 15) -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      var pid: pid_t = 0
      let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
      defer { arguments.forEach { free($0) } }
      guard posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ) == 0 else { return .nan }
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    samples.sort()
    return samples[samples.count / 2]
  }

  /// What `arguments` run as a process in `directory` print on standard output.
  static func output(_ arguments: [String], in directory: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The peak resident memory (MiB) of `arguments` run as a process.
  static func peakMemory(_ arguments: [String]) -> Double {
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else { return .nan }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return Double(usage.ru_maxrss) / 1024
  }

  /// The resident memory (MiB) of `attn` waiting at its prompt for input.
  static func idleResidentMemory(_ binary: URL) -> Double? {
    let process = Process()
    process.executableURL = binary
    let stdin = Pipe()
    process.standardInput = stdin
    process.standardOutput = FileHandle.nullDevice
    process.environment = ["ATTN_HISTORY": "", "PATH": "/usr/bin:/bin"]
    guard (try? process.run()) != nil else { return nil }
    stdin.fileHandleForWriting.write(Data("x = softmax([1, 2, 3])\n".utf8))
    Thread.sleep(forTimeInterval: 0.5)
    defer {
      try? stdin.fileHandleForWriting.close()
      process.waitUntilExit()
    }
    guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
      let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kilobytes / 1024
  }
}
