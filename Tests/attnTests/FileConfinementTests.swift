import Foundation
import Testing
import _TestSupport

/// Files from others — lessons checked, exported or walked through, and
/// `attn run --sandbox` — read and write only in their own directory and
/// tempdir(), through the real binary.
@Suite struct FileConfinementTests {
  /// A temporary "home" beside a directory holding a lesson or a file.
  struct Layout {
    let root: URL
    var home: URL { root.appendingPathComponent("home") }
    var work: URL { root.appendingPathComponent("work") }

    init() throws {
      root = try makeTemporaryDirectory()
      try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> URL {
      let file = work.appendingPathComponent(name)
      try text.write(to: file, atomically: true, encoding: .utf8)
      return file
    }

    var homeContents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: home.path)) ?? [] }
  }

  static let refusal = "is outside the directories this file may use"
  static let hint = "allow a directory with --allow-files DIR"

  /// A lesson cell for each input, expecting nothing, so that every input runs.
  func lesson(_ inputs: [String]) -> String {
    "# A lesson from elsewhere\n\n```attn\n" + inputs.map { "attn> \($0)\n" }.joined() + "```\n"
  }

  @Test func aMaliciousLessonCannotWriteOutsideItsDirectoryNorReadPasswd() throws {
    let layout = try Layout()
    try FileManager.default.createSymbolicLink(
      at: layout.work.appendingPathComponent("link"), withDestinationURL: layout.home)
    let attempts = [
      "save([1, 2], \"../home/pwned.csv\")",
      "save([1, 2], \"\(layout.home.path)/pwned.npy\")",
      "svg(eye(2), \"link/pwned.svg\")",
      "save([1, 2], \"./../work/../home/pwned.csv\")",
      "lines(\"/etc/passwd\")",
      "load(\"/etc/passwd\")",
      "load(\"link/../../home/x.csv\")",
    ]
    let file = try layout.write("evil.md", lesson(attempts))
    let result = try AttnProcess.run(["test", file.path])
    #expect(result.status == 1)
    #expect(!result.crashed)
    #expect(layout.homeContents.isEmpty, "nothing may be written outside: \(layout.homeContents)")
    for attempt in attempts {
      #expect(result.stdout.contains("output of '\(attempt)' differs"), "\(attempt)")
    }
    #expect(result.stdout.components(separatedBy: Self.refusal).count - 1 >= 6, "\(result.stdout)")
    #expect(result.stdout.contains(Self.hint))
    #expect(!result.stdout.contains("root:"), "no line of /etc/passwd may be shown")
  }

  @Test func aLessonUsesItsOwnDirectoryAndTempdir() throws {
    let layout = try Layout()
    let file = try layout.write(
      "good.md",
      """
      # Files of its own

      ```attn
      attn> save([1, 2], "mine.csv")
      saved [2] to mine.csv
      attn> load("mine.csv")
      [1, 2]
      attn> save(eye(2), tempdir("scratch.npy"))
      ...
      attn> sum(load(tempdir("scratch.npy")))
      2
      ```
      """)
    // Run from another directory: relative paths start at the lesson.
    let result = try AttnProcess.run(["test", file.path], directory: layout.home)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(FileManager.default.fileExists(atPath: layout.work.appendingPathComponent("mine.csv").path))
    #expect(layout.homeContents.isEmpty)
  }

  @Test func allowFilesOpensADirectory() throws {
    let layout = try Layout()
    let file = try layout.write("allowed.md", lesson(["save([1, 2], \"../home/granted.csv\")"]))
    let refused = try AttnProcess.run(["test", file.path])
    #expect(refused.status == 1)
    let allowed = try AttnProcess.run(["test", "--allow-files", layout.home.path, file.path])
    #expect(allowed.stdout.contains("saved [2] to ../home/granted.csv"), "\(allowed.stdout)")
    #expect(layout.homeContents == ["granted.csv"])
    let missing = try AttnProcess.run([
      "test", "--allow-files", layout.root.appendingPathComponent("nope").path, file.path,
    ])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("is not a directory"))
  }

  @Test func runSandboxConfinesEachFileAndPlainRunDoesNot() throws {
    let layout = try Layout()
    let target = layout.home.appendingPathComponent("out.csv").path
    let file = try layout.write("submission.attn", "save([1], \"\(target)\")\n")
    let sandboxed = try AttnProcess.run(["run", "--sandbox", file.path])
    #expect(sandboxed.status == 1)
    #expect(sandboxed.stderr.contains("save: '\(target)' \(Self.refusal)"), "\(sandboxed.stderr)")
    #expect(layout.homeContents.isEmpty)

    let json = try AttnProcess.run(["run", "--sandbox", "--json", file.path])
    #expect(json.stdout.contains(Self.refusal))

    let own = try AttnProcess.run(["run", file.path])
    #expect(own.status == 0, "\(own.stderr)")
    #expect(layout.homeContents == ["out.csv"])

    let usage = try AttnProcess.run(["run", "--allow-files", layout.home.path, file.path])
    #expect(usage.status == 2)
    #expect(usage.stderr.contains("--allow-files applies to --sandbox"))
  }

  /// A file whose directory many files share (`/tmp`, where anyone may
  /// write; the home directory's Downloads) is not confined to all of it:
  /// it works in a private directory, its neighbours are out of reach, a
  /// note says so, and --allow-files opens the directory on purpose.
  @Test func aFileInASharedDirectoryWorksInAPrivateOne() throws {
    let shared = FileManager.default.temporaryDirectory.path
    var info = stat()
    try #require(stat(shared, &info) == 0 && info.st_mode & 0o002 != 0, "\(shared) is world-writable")
    let tag = UUID().uuidString
    let neighbour = shared + "/attn-neighbour-\(tag).txt"
    let file = shared + "/attn-shared-\(tag).attn"
    defer {
      for path in [neighbour, file, shared + "/out-\(tag).csv"] { try? FileManager.default.removeItem(atPath: path) }
    }
    try "someone else's\n".write(toFile: neighbour, atomically: true, encoding: .utf8)
    try """
    save([1, 2], "out-\(tag).csv")
    load("out-\(tag).csv")
    lines("attn-neighbour-\(tag).txt")
    """.write(toFile: file, atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["run", "--sandbox", file])
    #expect(result.status == 1)
    #expect(result.stdout.contains("[1, 2]"), "its own files work: \(result.stdout)")
    #expect(result.stderr.contains("note: \(shared) is a directory anyone may write in"), "\(result.stderr)")
    #expect(result.stderr.contains("lines: cannot read 'attn-neighbour-\(tag).txt': no such file"))
    #expect(!result.stderr.contains("someone else's"))
    #expect(!FileManager.default.fileExists(atPath: shared + "/out-\(tag).csv"), "nothing lands in \(shared)")

    let allowed = try AttnProcess.run(["run", "--sandbox", "--allow-files", shared, file])
    #expect(allowed.stdout.contains("someone else's"), "allowed on purpose: \(allowed.stderr)")
    #expect(!allowed.stderr.contains("note:"))

    // ~/Downloads, with HOME pointing at a scratch home.
    let layout = try Layout()
    let downloads = layout.home.appendingPathComponent("Downloads")
    try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
    try "other download\n".write(
      to: downloads.appendingPathComponent("other.txt"), atomically: true, encoding: .utf8)
    let lesson = downloads.appendingPathComponent("course.md")
    try "# Course\n\n```attn\nattn> lines(\"other.txt\")\nlist(\"other download\")\n```\n".write(
      to: lesson, atomically: true, encoding: .utf8)
    let checked = try AttnProcess.run(["test", lesson.path], environment: ["HOME": layout.home.path])
    #expect(checked.status == 1, "\(checked.stdout)")
    #expect(checked.stderr.contains("is the Downloads directory"), "\(checked.stderr)")
    #expect(checked.stdout.contains("no such file"), "\(checked.stdout)")
  }

  @Test func standardInputUnderSandboxHasOnlyTempdir() throws {
    let layout = try Layout()
    let result = try AttnProcess.run(
      ["run", "--sandbox", "-"], input: "save([1], \"here.csv\")\nsave([2], tempdir(\"t.csv\"))\n",
      directory: layout.work)
    #expect(result.status == 1)
    #expect(result.stderr.contains(Self.refusal))
    #expect(!FileManager.default.fileExists(atPath: layout.work.appendingPathComponent("here.csv").path))
  }

  @Test func lessonFromElsewhereIsConfinedWhenReadThrough() throws {
    let layout = try Layout()
    let file = try layout.write("walk.md", lesson(["save([1], \"../home/x.csv\")"]))
    let result = try AttnProcess.run(["lesson", file.path])
    #expect(result.stdout.contains(Self.refusal), "\(result.stdout)\(result.stderr)")
    #expect(layout.homeContents.isEmpty)
  }

  @Test func exportRunsTheLessonConfined() throws {
    let layout = try Layout()
    let file = try layout.write("export.md", lesson(["save([1], \"../home/x.csv\")"]))
    let page = layout.work.appendingPathComponent("page.html")
    _ = try AttnProcess.run(["export", file.path, "--html", page.path])
    #expect(layout.homeContents.isEmpty)
    #expect(try String(contentsOf: page, encoding: .utf8).contains("is outside the directories"))
  }

  @Test func aFIFOIsNotARegularFile() throws {
    let layout = try Layout()
    let fifo = layout.work.appendingPathComponent("pipe.csv").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let read = try AttnProcess.run(["run", "-"], input: "load(\"\(fifo)\")\n")
    #expect(read.status == 1)
    #expect(read.stderr.contains("load: cannot read '\(fifo)': not a regular file (it is a FIFO)"), "\(read.stderr)")
    let write = try AttnProcess.run(["run", "-"], input: "save([1], \"\(fifo)\")\n")
    #expect(write.stderr.contains("not a regular file (it is a FIFO)"), "\(write.stderr)")
    let directory = try AttnProcess.run(["run", "-"], input: "lines(\"\(layout.work.path)\")\n")
    #expect(directory.stderr.contains("not a regular file (it is a directory)"), "\(directory.stderr)")
  }
}

/// Only the lessons shipped with attn run unconfined: a folder laid out like
/// attn's own (`./lessons/01-….md`) in a downloaded course is not trusted.
@Suite struct StrangerLessonsTests {
  @Test func aLessonsFolderInTheCurrentDirectoryIsConfined() throws {
    let course = try makeTemporaryDirectory()
    try FileManager.default.createDirectory(
      at: course.appendingPathComponent("lessons"), withIntermediateDirectories: true)
    let evil = """
      # 1. Evil

      ```attn
      attn> len(lines("/etc/passwd"))
      1
      ```
      """
    try evil.write(to: course.appendingPathComponent("lessons/01-evil.md"), atomically: true, encoding: .utf8)
    let result = try AttnProcess.run(["lesson", "1"], environment: ["ATTN_LESSONS": ""], directory: course)
    #expect(result.stdout.contains("is outside the directories this file may use"), "\(result.stdout) \(result.stderr)")
    // attn's own lessons still run unconfined.
    let own = try AttnProcess.run(["lesson", "16"])
    #expect(own.status == 0, "\(own.stderr.prefix(500))")
  }
}
