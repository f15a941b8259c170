// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "attn",
  products: [
    .library(name: "Attention", targets: ["Attention"]),
    .library(name: "AttnLang", targets: ["AttnLang"]),
    .library(name: "Lessons", targets: ["Lessons"]),
    .executable(name: "attn", targets: ["attn"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // `swift package generate-documentation --target Attention` (scripts/docs).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    .target(name: "Attention", dependencies: ["_AttentionKernels"]),
    // The innermost loops in C, each compiled twice without build flags: for
    // AVX2/FMA (x86-64) or NEON/FMA (arm64) by a target attribute, and portably;
    // chosen at run time.
    .target(name: "_AttentionKernels"),
    .target(name: "AttnLang", dependencies: ["Attention", "_System"]),
    // C for what Swift's Glibc module leaves out: how deep the calling
    // thread's stack goes (deep recursion is an error, not a crash) and
    // malloc's settings (for the executables).
    .target(name: "_System"),
    .target(name: "Lessons", dependencies: ["Attention", "AttnLang"]),
    // The kernel protocol of `attn serve`: requests in, responses out — a
    // library of its own so that its fuzz target links it.
    .target(name: "_AttnServe", dependencies: ["Attention", "AttnLang", "Lessons"]),
    .systemLibrary(
      name: "CLibEdit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .executableTarget(
      name: "attn",
      dependencies: [
        "AttnLang", "Lessons", "_AttnServe", "CLibEdit", "_System",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "attn-bench", dependencies: ["Attention", "AttnLang", "_System"], path: "Sources/attn-bench"),
    .target(name: "_TestSupport", dependencies: ["Attention", "AttnLang"], path: "Tests/_TestSupport"),
    .testTarget(
      name: "AttentionTests", dependencies: ["Attention", "_AttentionKernels", "_TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "AttnLangTests", dependencies: ["AttnLang", "_TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "LessonsTests", dependencies: ["Lessons", "_TestSupport"]),
    .testTarget(
      name: "attnTests", dependencies: ["attn", "AttnLang", "Lessons", "_TestSupport"],
      exclude: ["Examples", "Hostile"]),
  ]
)
