import AttnLang
import Foundation
import Testing
import _TestSupport

/// The docs that describe the code stay true to it: every source folder is
/// on the map, every builtin in the README's list, and the changelog is kept.
@Suite struct DocsTests {
  static let root = AttnProcess.packageRoot

  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  @Test func everySourceFolderIsOnTheMap() throws {
    let map = try Self.read("docs/ARCHITECTURE.md")
    let sources = Self.root.appendingPathComponent("Sources")
    let walker = FileManager.default.enumerator(atPath: sources.path)
    var folders: [String] = []
    while let path = walker?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: sources.path + "/" + path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { continue }
      let name = URL(fileURLWithPath: path).lastPathComponent
      // Documentation catalogs and C headers belong to the folder that holds them.
      if name.hasSuffix(".docc") || name == "include" || path.contains(".docc/") { continue }
      folders.append(path)
    }
    #expect(folders.count > 20)
    for folder in folders {
      let name = URL(fileURLWithPath: folder).lastPathComponent
      let topLevel = !folder.contains("/")
      let named = topLevel ? map.contains("Sources/\(folder)") : map.contains("\(name)/")
      #expect(named, "docs/ARCHITECTURE.md does not name Sources/\(folder)")
    }
  }

  @Test func everyBuiltinIsInTheReadmeList() throws {
    let readme = try Self.read("README.md")
    let start = try #require(readme.range(of: "`help()` lists every builtin"))
    let end = try #require(readme.range(of: "\n## ", range: start.upperBound..<readme.endIndex))
    let list = readme[start.upperBound..<end.lowerBound]
    let words = Set(list.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
    for name in Builtins.publicNames {
      #expect(words.contains(name), "README's builtin list does not name \(name)")
    }
  }

  @Test func theChangelogIsKept() throws {
    let changelog = try Self.read("CHANGELOG.md")
    #expect(changelog.hasPrefix("# Changelog"))
    #expect(changelog.contains("## [Unreleased]"))
    #expect(changelog.contains("keepachangelog.com"))
  }
}
