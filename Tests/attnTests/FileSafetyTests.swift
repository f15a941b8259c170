import Foundation
import Testing
import _TestSupport

/// Confinement without races or an oracle, and writes that respect the file
/// they replace — through the real binary.
@Suite struct FileSafetyTests {
  func write(_ text: String, to url: URL) throws { try text.write(to: url, atomically: true, encoding: .utf8) }

  func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
  }

  /// While another thread swaps a directory for a symbolic link to the
  /// outside again and again, a confined file's saves and loads never land
  /// outside nor read outside.
  @Test func swappingADirectoryForALinkNeverLeadsOutside() throws {
    let root = try makeTemporaryDirectory()
    let inside = root.appendingPathComponent("inside")
    let outside = root.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: inside.appendingPathComponent("d"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try write("1,2,3\n", to: outside.appendingPathComponent("secret.csv"))
    try write("4,5,6\n", to: inside.appendingPathComponent("d/secret.csv"))
    // A lesson from elsewhere runs confined, and every input runs even after one fails.
    var cell = "```attn nocheck\n"
    for index in 0..<1500 {
      cell += "attn> save([1, 2, 3], \"d/out.csv\")\nattn> save(load(\"d/secret.csv\"), \"seen\(index).csv\")\n"
    }
    try write("# Race\n\n" + cell + "```\n", to: inside.appendingPathComponent("race.md"))
    let done = Shared(false)
    let swapper = Thread {
      let d = inside.appendingPathComponent("d").path
      let real = inside.appendingPathComponent("d-real").path
      while !done.value {
        _ = rename(d, real)
        _ = symlink(outside.path, d)
        usleep(200)
        _ = unlink(d)
        _ = rename(real, d)
      }
    }
    swapper.start()
    let result = try AttnProcess.run(["test", inside.appendingPathComponent("race.md").path])
    done.value = true
    usleep(100_000)
    #expect(!result.crashed)
    #expect(
      !FileManager.default.fileExists(atPath: outside.appendingPathComponent("out.csv").path), "a save landed outside")
    let seen = try FileManager.default.contentsOfDirectory(atPath: inside.path).filter { $0.hasPrefix("seen") }
    #expect(result.stdout.contains("race.md (1 cells)"), "the lesson ran: \(result.stdout) \(result.stderr)")
    for name in seen {
      let text = try String(contentsOf: inside.appendingPathComponent(name), encoding: .utf8)
      #expect(!text.hasPrefix("1"), "\(name): a load read outside")
    }
  }

  /// A confined file learns nothing about outside paths: an existing and a
  /// missing one give the same refusal.
  @Test func outsidePathsAreRefusedAlikeWhetherOrNotTheyExist() throws {
    let directory = try makeTemporaryDirectory()
    let script = directory.appendingPathComponent("probe.attn")
    try write("lines(\"/etc/passwd\")\n", to: script)
    let existing = try AttnProcess.run(["run", "--sandbox", script.path])
    try write("lines(\"/etc/no-such-file-here\")\n", to: script)
    let missing = try AttnProcess.run(["run", "--sandbox", script.path])
    func message(_ result: AttnProcess.Result) -> String {
      (result.stderr.components(separatedBy: "is outside the directories").last ?? "")
        .split(separator: "\n").first.map(String.init) ?? ""
    }
    #expect(existing.stderr.contains("is outside the directories this file may use"), "\(existing.stderr)")
    #expect(missing.stderr.contains("is outside the directories this file may use"), "\(missing.stderr)")
    #expect(message(existing) == message(missing))
  }

  @Test func aConfinedFileMayNotFollowLinks() throws {
    let directory = try makeTemporaryDirectory()
    let outside = try makeTemporaryDirectory()
    try write("1\n", to: outside.appendingPathComponent("x.csv"))
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("link.csv").path,
      withDestinationPath: outside.appendingPathComponent("x.csv").path)
    let script = directory.appendingPathComponent("links.attn")
    try write("load(\"link.csv\")\n", to: script)
    let result = try AttnProcess.run(["run", "--sandbox", script.path])
    #expect(result.stderr.contains("symbolic link, and files from others may not follow links"), "\(result.stderr)")
  }

  /// `save` over an existing file keeps its permissions, refuses a read-only
  /// one, and writes through a symbolic link (the link stays, its target changes).
  @Test func saveRespectsTheFileItReplaces() throws {
    let directory = try makeTemporaryDirectory()
    let secret = directory.appendingPathComponent("secret.csv")
    try write("0\n", to: secret)
    chmod(secret.path, 0o600)
    let readOnly = directory.appendingPathComponent("frozen.csv")
    try write("0\n", to: readOnly)
    chmod(readOnly.path, 0o444)
    let target = directory.appendingPathComponent("target.csv")
    try write("0\n", to: target)
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("link.csv").path, withDestinationPath: "target.csv")
    let input = "save([1, 2], \"secret.csv\")\nsave([1, 2], \"frozen.csv\")\nsave([3, 4], \"link.csv\")\n"
    let result = try AttnProcess.run([], input: input, directory: directory)
    #expect(mode(secret.path) == 0o600, "the saved file keeps its mode")
    #expect(try String(contentsOf: secret, encoding: .utf8).hasPrefix("1"))
    #expect(result.stderr.contains("cannot write 'frozen.csv': the file is read-only"), "\(result.stderr)")
    #expect(try String(contentsOf: readOnly, encoding: .utf8) == "0\n")
    let link = try FileManager.default.destinationOfSymbolicLink(
      atPath: directory.appendingPathComponent("link.csv").path)
    #expect(link == "target.csv", "the link is still a link")
    #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("3"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty, "no temporary file is left: \(leftovers)")
  }

  /// Every writer shares one rule: a device, FIFO or directory is refused
  /// with a clear message and left as it was; `-` and /dev/stdout write to
  /// standard output.
  @Test func writersNeverReplaceWhatIsNotARegularFile() throws {
    let directory = try makeTemporaryDirectory()
    let fifo = directory.appendingPathComponent("pipe").path
    #expect(mkfifo(fifo, 0o644) == 0)
    let folder = directory.appendingPathComponent("folder")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // A device node of our own (as root, as CI runs): the character device
    // 1:7, /dev/full's, made in the scratch directory — never the system's.
    let device = directory.appendingPathComponent("full.html").path
    let madeDevice = mknod(device, S_IFCHR | 0o666, (1 << 8) | 7) == 0
    let csvDevice = directory.appendingPathComponent("full.csv").path
    _ = mknod(csvDevice, S_IFCHR | 0o666, (1 << 8) | 7)
    var input = "x = 1\n:save \(fifo)\n:save \(folder.path)\n:export \(folder.path)/../pipe.html\n"
    if madeDevice {
      input += ":save \(device)\n:export \(device)\nsave([1], \"\(csvDevice)\")\n"
    }
    let result = try AttnProcess.run([], input: input, directory: directory)
    #expect(result.stderr.contains("cannot write '\(fifo)': not a regular file (it is a FIFO)"), "\(result.stderr)")
    #expect(result.stderr.contains("not a regular file (it is a directory); name a file inside it"), "\(result.stderr)")
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
    if madeDevice {
      let refusals = result.stderr.components(
        separatedBy: "cannot write '\(device)': not a regular file (it is a device)")
      #expect(refusals.count == 3, "each writer refuses the device: \(result.stderr)")
      #expect(result.stderr.contains("cannot write '\(csvDevice)': not a regular file (it is a device)"))
      #expect(lstat(csvDevice, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
      #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "the device is still a device")
      for (command, extra) in [("test", "--junit"), ("export", "--html")] {
        let lesson = AttnProcess.packageRoot.appendingPathComponent("lessons/01-softmax.md").path
        let written = try AttnProcess.run([command, lesson, extra, device])
        #expect(
          written.status != 0 && written.stderr.contains("not a regular file (it is a device)"), "\(written.stderr)")
        #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "attn \(command) \(extra) leaves it")
      }
    }
    let lesson = AttnProcess.packageRoot.appendingPathComponent("lessons/01-softmax.md").path
    let toStandardOutput = try AttnProcess.run(["test", lesson, "--junit", "-"])
    #expect(toStandardOutput.stdout.contains("<testsuites"), "\(toStandardOutput.stdout.prefix(300))")
  }

  /// A file being written is never visible half made, and a write killed
  /// outright (SIGKILL) leaves nothing beside its target: the data goes to an
  /// unnamed file, named only when complete. A watcher lists the directory
  /// over and over while attn saves 32 MB files, then attn is killed mid-save.
  /// Where a temporary name was needed, the next write of the same file
  /// removes what a dead attn left (and nothing a live one uses).
  @Test func aWriteIsNeverSeenHalfMadeNorLeftBehind() throws {
    let directory = try makeTemporaryDirectory()
    let script = directory.appendingPathComponent("loop.attn")
    try write(
      "x = randn(2000, 2000)\nfor i in range(1000) {\n  save(x, \"big-\" + str(i) + \".npy\")\n}\n", to: script)
    let size = 2000 * 2000 * 8 + 128
    let process = Process()
    process.executableURL = AttnProcess.executable
    process.arguments = ["run", script.path]
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    var seen = Set<String>()
    var problems: [String] = []
    let started = Date()
    while seen.count < 4, Date().timeIntervalSince(started) < 60 {
      for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "loop.attn" {
        var info = stat()
        guard stat(directory.appendingPathComponent(name).path, &info) == 0 else { continue }
        if name.hasPrefix(".") || Int(info.st_size) != size { problems.append("\(name): \(info.st_size) bytes") }
        seen.insert(name)
      }
      usleep(500)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(seen.count >= 4, "saves happened: \(seen)")
    #expect(problems.isEmpty, "seen half made: \(problems.prefix(5))")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(names.allSatisfy { !$0.hasPrefix(".") }, "left after the kill: \(names)")

    // Temporaries named by a dead process (a pid no process has) and by a live one (this test's).
    let dead = directory.appendingPathComponent(".big-0.npy.attn-\(Int32.max - 1)-12345.tmp")
    let live = directory.appendingPathComponent(".big-0.npy.attn-\(getpid())-67890.tmp")
    let other = directory.appendingPathComponent(".notes.txt.attn-\(Int32.max - 1)-1.tmp")
    for file in [dead, live, other] { try write("partial", to: file) }
    let result = try AttnProcess.run(["run", "-"], input: "save([1, 2], \"big-0.npy\")\n", directory: directory)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dead.path), "the dead writer's temporary is removed")
    #expect(FileManager.default.fileExists(atPath: live.path), "a live writer's is kept")
    #expect(FileManager.default.fileExists(atPath: other.path), "another file's is not touched")
  }

  @Test func loadingAFIFOAtThePromptIsRefusedNotWaitedOn() throws {
    let directory = try makeTemporaryDirectory()
    let fifo = directory.appendingPathComponent("pipe.attn").path
    #expect(mkfifo(fifo, 0o644) == 0)
    let started = Date()
    let result = try AttnProcess.run([], input: ":load \(fifo)\n1\n")
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(result.stderr.contains("not a regular file (it is a FIFO)"), "\(result.stderr)")
    #expect(result.stdout == "1\n")
  }
}

/// `tempdir()` never piles up: removed when attn ends, on SIGTERM, SIGHUP
/// and (for batch commands) SIGINT too, and — for an attn killed outright —
/// by the next attn.
@Suite(.serialized) struct TemporaryDirectoryCleanupTests {
  func directories(of pid: Int32) -> [String] {
    let root = FileManager.default.temporaryDirectory.path
    return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("attn-\(pid)-") }
  }

  func startSpinning() throws -> Process {
    let file = try makeTemporaryDirectory().appendingPathComponent("spin.attn")
    try "tempdir()\nwhile true { }\n".write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = AttnProcess.executable
    process.arguments = ["run", file.path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    for _ in 0..<100 where directories(of: process.processIdentifier).isEmpty { usleep(50_000) }
    return process
  }

  /// Ctrl-C (SIGINT) ends a batch run the same way.
  @Test(arguments: [SIGTERM, SIGHUP, SIGINT]) func anEndingSignalRemovesIt(_ signal: Int32) throws {
    let process = try startSpinning()
    #expect(directories(of: process.processIdentifier).count == 1)
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    #expect(process.terminationStatus == 128 + signal, "ended with the shell's status for the signal")
    #expect(directories(of: process.processIdentifier).isEmpty)
  }

  @Test func theNextAttnRemovesWhatAKilledOneLeft() throws {
    let process = try startSpinning()
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(directories(of: process.processIdentifier).count == 1, "SIGKILL leaves it")
    _ = try AttnProcess.run([], input: "tempdir()\n")
    #expect(directories(of: process.processIdentifier).isEmpty)
  }
}
