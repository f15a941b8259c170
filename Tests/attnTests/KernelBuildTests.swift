import Foundation
import Testing
import _TestSupport

/// The kernels are chosen when attn starts: with AVX-512 where the processor
/// has it, else AVX2/FMA (`ATTN_NO_AVX512=1` asks for those). Both builds
/// run the same statements here through the real binary — float32 and
/// float64 products with edges in every direction (A read in place, stored
/// transposed, and packed for rows 2 KB apart), float32 attention and
/// its gradient across key blocks — and must agree to float32's precision.
/// On a processor without AVX-512 both runs take the same kernels.
@Suite struct KernelBuildTests {
  static let program = """
    A = randn(150, 40, seed: 1)
    B = randn(40, 80, seed: 2)
    A @ B
    float32(A) @ float32(B)
    transpose(float32(A)) @ float32(randn(150, 33, seed: 3))
    float32(randn(40, 512, seed: 6)) @ float32(randn(512, 70, seed: 7))
    X = float32(randn(300, 72, seed: 4)) * 0.5
    W = float32(randn(72, 72, seed: 5)) / 8
    multihead(X, heads: 2, wq: W, wk: W, wv: W, wo: W).output
    multihead(X, heads: 2, kvheads: 1, wq: W, wk: W[:, 0:36], wv: W[:, 0:36], wo: W, causal: true).output
    grad(x -> sum(multihead(x, heads: 2, wq: W, wk: W, wv: W, wo: W, causal: true).output ^ 2), X)
    exp(float32([-90, -87, -10.5, 0, 0.25, 3, 50, 88.5]))
    """

  /// Every number each statement printed, in order.
  func numbers(environment: [String: String]) throws -> [[Double]] {
    let result = try AttnProcess.run(["run", "--json", "-"], input: Self.program, environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").compactMap { line in
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let value = object["value"] as? [String: Any], let data = value["data"] as? [Any]
      else { return nil }
      return data.compactMap { ($0 as? NSNumber)?.doubleValue }
    }
  }

  @Test func avx512AndAVX2BuildsAgree() throws {
    let wide = try numbers(environment: [:])
    let narrow = try numbers(environment: ["ATTN_NO_AVX512": "1"])
    #expect(wide.count == 8 && narrow.count == 8)
    for (index, (a, b)) in zip(wide, narrow).enumerated() {
      #expect(a.count == b.count && !a.isEmpty, "statement \(index)")
      let scale = max(1, a.map(\.magnitude).max() ?? 1)
      let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 64 * Double(Float.ulpOfOne) * scale, "statement \(index) differs by \(worst)")
    }
  }
}
