// swift-tools-version: 6.1
// Using the Attention library from Swift, as a package of your own would.
//
//     cd Examples && swift run          (against this checkout)
//
// scripts/test-examples builds it against a tagged clone by version
// (ATTN_URL and ATTN_VERSION), the way a package from elsewhere depends on attn.
import PackageDescription

let attn: Package.Dependency =
  if let url = Context.environment["ATTN_URL"], let version = Context.environment["ATTN_VERSION"] {
    .package(url: url, from: Version(stringLiteral: version))
  } else {
    .package(name: "attn", path: "..")
  }

let package = Package(
  name: "AttentionExamples",
  dependencies: [attn],
  targets: [
    .executableTarget(name: "AttentionExample", dependencies: [.product(name: "Attention", package: "attn")])
  ]
)
