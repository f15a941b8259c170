import Attention
import AttnLang
import Foundation
import Testing
import _TestSupport

/// float32 and bfloat16 through the language: conversions, promotion,
/// products, layers, gradients and an optimizer against PyTorch computing
/// in those types; printing, files and mistakes.
@Suite struct PrecisionLanguageTests {
  @Test(arguments: Fixtures.languagePrecision)
  func matchesPyTorch(_ fixture: Fixture) throws {
    let session = Session()
    _ = try session.values(fixture.string("prelude"))
    let value = try session.value(fixture.name)
    let tensor = try #require(value.tensor, "\(fixture.name) gave \(value.typeName)")
    #expect(tensor.dtype.rawValue == fixture.string("dtype"), "\(fixture.name) gave \(tensor.dtype)")
    let expected = fixture.tensor("expected")
    try #require(tensor.shape == expected.shape)
    if let bits = fixture.values["bits"] as? [NSNumber] {
      // Conversions round exactly as PyTorch does, ties to even (compared
      // bit for bit: the fixture holds float32 bit patterns).
      #expect(tensor.scalars.map { Float($0).bitPattern } == bits.map(\.uint32Value), "\(tensor.scalars)")
      return
    }
    // Sums in another order differ in the last bits: allow a few units in
    // the last place of the type, relative to the result's scale.
    let unit = tensor.dtype == .bfloat16 ? 0x1p-7 : 8 * Double(Float.ulpOfOne)
    let scale = max(expected.scalars.map(\.magnitude).filter(\.isFinite).max() ?? 1, 1)
    for (actual, reference) in zip(tensor.scalars, expected.scalars) {
      if reference.isInfinite || reference.isNaN {
        #expect(actual == reference || (actual.isNaN && reference.isNaN), "\(fixture.name)")
      } else {
        let allowed = tensor.dtype == .bfloat16 ? unit * max(reference.magnitude, 1e-3) : unit * scale
        #expect(abs(actual - reference) <= allowed, "\(fixture.name): \(actual) vs \(reference)")
      }
    }
  }

  @Test func promotionFollowsPyTorch() throws {
    let session = Session()
    _ = try session.values("x = float32([1, 2])\nb = bfloat16([1, 2])")
    func dtype(_ code: String) throws -> String {
      guard case .string(let name) = try session.value("(\(code)).dtype") else { return "?" }
      return name
    }
    #expect(try dtype("x * 2") == "float32", "a number does not widen a float32 tensor")
    #expect(try dtype("x + [1, 2]") == "float64", "a float64 tensor does")
    #expect(try dtype("x + b") == "float32")
    #expect(try dtype("b * 0.5") == "bfloat16")
    #expect(try dtype("sum(x)") == "float32")
    #expect(try dtype("softmax(x)") == "float32")
    #expect(try dtype("x[0]") == "float32")
    #expect(try dtype("x.T") == "float32")
    #expect(try dtype("reshape(x, 2, 1)") == "float32")
    #expect(try dtype("concat(list(x, b))") == "float32")
    #expect(try dtype("attend(x, [[1, 0], [0, 1]], mask: [1, 0]).output") == "float64")
    #expect(try dtype("crossentropy(float32([[1, 2], [3, 4]]), [0, 1])") == "float32", "targets do not widen")
    #expect(try dtype("randn(2, seed: 1, dtype: \"bfloat16\")") == "bfloat16")
    #expect(try dtype("float64(x)") == "float64")
    #expect(try dtype("argmax(x)") == "float64", "indices are not values of the computation")
  }

  func display(_ session: Session, _ code: String) throws -> String {
    ValueFormatter(options: DisplayOptions().plain).format(try session.value(code))
  }

  @Test func printingSaysTheType() throws {
    let session = Session()
    #expect(try display(session, "float32([0.5, 0.25])") == "[0.5000, 0.2500] float32")
    #expect(try display(session, "bfloat16(1/3)") == "0.3340 bfloat16")
    #expect(try display(session, "float32(exp(89))") == "inf float32")
    #expect(try display(session, "zeros(2, 2, dtype: \"float32\")").hasPrefix("2×2 float32 tensor\n"))
    #expect(try display(session, "[0.5, 0.25]") == "[0.5000, 0.2500]", "float64 prints as before")
  }

  @Test func jsonSaysTheTypeAndWritesShortestNumbers() throws {
    let session = Session()
    #expect(
      JSONEncoding.encode(try session.value("float32([0.1, 2])"))
        == #"{"type": "tensor", "shape": [2], "dtype": "float32", "data": [0.1, 2]}"#)
    #expect(
      JSONEncoding.encode(try session.value("[0.1, 2]")) == #"{"type": "tensor", "shape": [2], "data": [0.1, 2]}"#,
      "float64 as before")
  }

  @Test func filesKeepTheirTypes() throws {
    let session = Session()
    _ = try session.values(
      """
      x = randn(3, 4, seed: 1, dtype: "float32")
      save({x: x, h: bfloat16(x), d: float64(x)}, tempdir("p.safetensors"))
      save(x, tempdir("x.npy"))
      r = load(tempdir("p.safetensors"))
      """)
    #expect(try session.value("r.x.dtype") == .string("float32"))
    #expect(try session.value("r.h.dtype") == .string("bfloat16"))
    #expect(try session.value("r.d.dtype") == .string("float64"))
    #expect(try session.value("max(abs(r.x - x))") == .tensor(Tensor(0).converted(to: .float32)))
    #expect(try session.value("load(tempdir(\"x.npy\")).dtype") == .string("float32"))
    #expect(try session.value("load(tempdir(\"p.safetensors\"), dtype: \"float64\").h.dtype") == .string("float64"))
    #expect(
      try session.value("load(tempdir(\"p.safetensors\"), name: \"h\", dtype: \"float32\").dtype") == .string("float32")
    )
    // The file stores each tensor's own type: 12 elements × (4 + 2 + 8) bytes.
    guard case .string(let path) = try session.value("tempdir(\"p.safetensors\")") else {
      Issue.record("tempdir gave no path")
      return
    }
    let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    let headerLength = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(8).enumerated()
      .reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(size - 8 - headerLength == 12 * (4 + 2 + 8))
  }

  @Test func mistakesAreClear() {
    let session = Session()
    #expect(
      session.errors("zeros(2, dtype: \"float16\")").map(\.message) == [
        "zeros: dtype must be \"float64\", \"float32\" or \"bfloat16\", got \"float16\"; did you mean \"bfloat16\"?"
      ])
    #expect(
      session.errors("float32(\"text\")").map(\.message) == [
        "float32: x must be a tensor or number, or a record or list of them; got string"
      ])
    #expect(session.errors("float32([1, 2]).dtyp").first?.message.contains("'.dtype'") == true)
  }
}
