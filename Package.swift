// swift-tools-version: 6.1
import PackageDescription

#if arch(x86_64)
  let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
  let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
  name: "attn",
  products: [
    .library(name: "Attention", targets: ["Attention"]),
    .library(name: "AttnLang", targets: ["AttnLang"]),
    .library(name: "Lessons", targets: ["Lessons"]),
    .executable(name: "attn", targets: ["attn"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .target(name: "Attention", dependencies: ["AttentionKernels", "AttentionPortable", "CPUFeatures"]),
    // The matrix product's inner kernel, compiled for AVX2 and FMA; Attention
    // calls it only on processors that have them (checked by CPUFeatures).
    .target(name: "AttentionKernels", swiftSettings: kernelSettings),
    .target(name: "CPUFeatures"),
    // The same vector math compiled for any x86-64 (a symlink to the file in
    // AttentionKernels), for processors without AVX2 and FMA.
    .target(name: "AttentionPortable"),
    .target(name: "AttnLang", dependencies: ["Attention"]),
    .target(name: "Lessons", dependencies: ["AttnLang"]),
    .systemLibrary(
      name: "CLibEdit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .executableTarget(
      name: "attn",
      dependencies: [
        "AttnLang", "Lessons", "CLibEdit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "attn-bench", dependencies: ["Attention", "AttnLang"], path: "Sources/attn-bench"),
    .target(name: "TestSupport", dependencies: ["Attention", "AttnLang"], path: "Tests/TestSupport"),
    .testTarget(
      name: "AttentionTests", dependencies: ["Attention", "AttentionKernels", "AttentionPortable", "TestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "AttnLangTests", dependencies: ["AttnLang", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "LessonsTests", dependencies: ["Lessons", "TestSupport"]),
    .testTarget(
      name: "attnTests", dependencies: ["attn", "AttnLang", "TestSupport"], exclude: ["Examples", "Hostile"]),
  ]
)
