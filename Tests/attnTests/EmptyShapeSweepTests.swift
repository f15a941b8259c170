import AttnLang
import Foundation
import Testing
import _TestSupport

/// Every builtin, called through the real binary with empty tensors whose
/// other axes are as long as the element limit allows (and with tensors
/// one element over it): each call gives a value or a clear error, never a
/// signal, never a hang, never a result over the limit.
@Suite struct EmptyShapeSweepTests {
  /// Tensors to try for each tensor parameter, defined at the start.
  static let prelude = """
    E = zeros(0, 1000000)
    F = zeros(1000000, 0)
    G = zeros(0)
    H = zeros(0, 0)
    K = zeros(1, 0, 1000000)
    """
  static let tensors = ["E", "F", "G", "H", "K"]

  /// One call per builtin and tensor: the tensor in every tensor-like
  /// parameter, plausible values elsewhere, named parameters left out.
  static var calls: [String] {
    var calls: [String] = []
    for name in Builtins.publicNames where !["help", "print", "progress", "tempdir", "lines"].contains(name) {
      guard let signature = Builtins.signature(of: name) else { continue }
      for tensor in tensors {
        var arguments: [String] = []
        for parameter in signature.parameters where !parameter.isNamed {
          switch parameter.kind {
          case .tensor, .any: arguments.append(tensor)
          case .number, .integer, .flag: arguments.append(parameter.isVariadic ? "0, 1000000" : "2")
          case .string: arguments.append(name == "load" || name == "save" || name == "svg" ? "\"x.npy\"" : "\"ab\"")
          case .labels: arguments.append("list(\"a\")")
          case .function: arguments.append("x -> x")
          case .list: arguments.append("list(\(tensor))")
          }
          if !parameter.isRequired && !parameter.isVariadic { break }
        }
        calls.append("\(name)(\(arguments.joined(separator: ", ")))")
      }
    }
    return calls
  }

  /// Each call runs in its own `attn run --timeout`, two at a time: a call
  /// that crashes attn or runs past the time limit is named.
  @Test func everyBuiltinOnEmptyTensorsWithLongAxes() throws {
    let directory = try makeTemporaryDirectory()
    let calls = Self.calls
    let failures = LockedList()
    DispatchQueue.concurrentPerform(iterations: 2) { worker in
      for index in stride(from: worker, to: calls.count, by: 2) {
        let file = directory.appendingPathComponent("call\(index).attn")
        do {
          try (Self.prelude + "\nr = \(calls[index])\nprint(\"done\")\n").write(
            to: file, atomically: true, encoding: .utf8)
          let result = try AttnProcess.run(
            ["run", "--timeout", "20", "--max-elements", "1000000", file.path], directory: directory)
          if result.crashed || result.stderr.contains("timed out") || result.stderr.contains("Fatal error") {
            failures.append("\(calls[index]): \(result.crashed ? "crashed" : "timed out") \(result.stderr.prefix(300))")
          } else if result.status == 0, !result.stdout.hasSuffix("done\n") {
            failures.append("\(calls[index]): did not finish: \(result.stdout.suffix(200))")
          }
        } catch {
          failures.append("\(calls[index]): \(error)")
        }
      }
    }
    #expect(calls.count > 300)
    #expect(failures.items.isEmpty, "\(failures.items.joined(separator: "\n"))")
  }

  /// The cases the reliability trial found, one by one.
  @Test func emptyTensorsWithAHugeAxisAreRefused() throws {
    let input =
      "zeros(0, 1e15)\nsum(zeros(0, 5e8), axis: 0)\nE = zeros(0, 50000000)\nshape(sum(E, axis: 0))\nF = zeros(50000000, 0)\nF\n"
    let result = try AttnProcess.run([], input: input)
    #expect(!result.crashed)
    #expect(
      result.stderr.contains(
        "zeros: shape [0, 1000000000000000] is too large: it is empty, but its other axes span 1000000000000000 positions, more than the limit of 50000000"
      ), "\(result.stderr)")
    #expect(result.stderr.contains("zeros: shape [0, 500000000] is too large"))
    #expect(result.stdout.hasPrefix("[50000000]\n50000000×0 tensor\n[[],\n []"), "\(result.stdout)")
  }

  /// A file cannot bring such a shape in either: an 80-byte .npy of shape (0, 10¹⁵).
  @Test func anNpyWithAHugeEmptyShapeIsRefused() throws {
    let directory = try makeTemporaryDirectory()
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 1000000000000000), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    try Data(bytes).write(to: directory.appendingPathComponent("bomb.npy"))
    let result = try AttnProcess.run(["run", "-"], input: "x = load(\"bomb.npy\")\nshape(x)\n", directory: directory)
    #expect(!result.crashed)
    #expect(result.status == 1)
    #expect(result.stderr.contains("is too large"), "\(result.stderr)")
  }
}

final class LockedList: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [String] = []
  func append(_ item: String) {
    lock.lock()
    stored.append(item)
    lock.unlock()
  }
  var items: [String] {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}
