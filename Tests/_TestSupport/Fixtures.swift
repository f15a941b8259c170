import Attention
import Foundation

/// One named case of `Fixtures/reference.json`, written by
/// `scripts/make_fixtures.py` from NumPy.
public struct Fixture: @unchecked Sendable, CustomStringConvertible {
  public let name: String
  public let values: [String: Any]

  public init(name: String, values: [String: Any]) {
    self.name = name
    self.values = values
  }

  public var description: String { name }

  /// The tensor stored under `key` (`{"shape": [...], "data": [...]}`),
  /// decoding the strings "nan", "inf" and "-inf".
  public func tensor(_ key: String) -> Tensor {
    guard let object = values[key] as? [String: Any],
      let shape = object["shape"] as? [Int], let data = object["data"] as? [Any]
    else { preconditionFailure("fixture \(name) has no tensor \(key)") }
    let scalars = data.map { item -> Double in
      switch item {
      case let number as NSNumber: return number.doubleValue
      case let text as String: return text == "nan" ? .nan : text == "inf" ? .infinity : -.infinity
      default: preconditionFailure("bad scalar in \(name).\(key)")
      }
    }
    do { return try Tensor(shape: shape, scalars: scalars) } catch {
      preconditionFailure("fixture \(name).\(key): \(error)")
    }
  }

  public func optionalTensor(_ key: String) -> Tensor? { values[key] == nil ? nil : tensor(key) }
  public func int(_ key: String) -> Int { (values[key] as? NSNumber)?.intValue ?? 0 }
  public func double(_ key: String, default value: Double) -> Double {
    (values[key] as? NSNumber)?.doubleValue ?? value
  }
  public func bool(_ key: String) -> Bool { (values[key] as? NSNumber)?.boolValue ?? false }
  public func strings(_ key: String) -> [String] { values[key] as? [String] ?? [] }

  /// The tensors stored as an array under `key`.
  public func tensorList(_ key: String) -> [Tensor] {
    (values[key] as? [Any] ?? []).map { Fixture(name: "\(name).\(key)", values: ["t": $0]).tensor("t") }
  }

  /// Arrays of tensors stored as an array under `key` (one array per step).
  public func tensorLists(_ key: String) -> [[Tensor]] {
    (values[key] as? [Any] ?? []).map { Fixture(name: "\(name).\(key)", values: ["l": $0]).tensorList("l") }
  }

  /// The tensors stored in the object under `key`, by name.
  public func tensors(_ key: String) -> [String: Tensor] {
    guard let object = values[key] as? [String: Any] else { return [:] }
    var result: [String: Tensor] = [:]
    for name in object.keys {
      result[name] = Fixture(name: "\(self.name).\(key)", values: object).tensor(name)
    }
    return result
  }
  public func string(_ key: String) -> String { values[key] as? String ?? "" }
}

/// All reference cases, loaded once from the file committed beside the tests.
public enum Fixtures {
  public static let all: [Fixture] = load("AttentionTests/Fixtures/reference.json")

  /// Gradients from PyTorch's autograd, written by scripts/make_gradient_fixtures.py.
  public static let gradients: [Fixture] = load("AttentionTests/Fixtures/gradients.json")

  /// grad, valgrad and jacobian through the language, with PyTorch's answers
  /// (written by scripts/make_gradient_fixtures.py).
  public static let languageGradients: [Fixture] = load("AttnLangTests/Fixtures/gradients.json")

  /// The DSL cases: code evaluated after a prelude, and the value it must give.
  public static let language: [Fixture] = load("AttnLangTests/Fixtures/builtins.json")

  /// Adam runs from torch.optim.Adam (scripts/make_gradient_fixtures.py).
  public static let adam: [Fixture] = load("AttentionTests/Fixtures/adam.json")

  /// AdamW runs under nanoGPT's schedule and clip_grad_norm_ cases from
  /// PyTorch (scripts/make_training_fixtures.py).
  public static let training: [Fixture] = load("AttentionTests/Fixtures/training.json")

  /// adamw, update, schedule and clipgrad through the language, with
  /// PyTorch's answers (scripts/make_training_fixtures.py).
  public static let languageTraining: [Fixture] = load("AttnLangTests/Fixtures/training.json")

  /// float32 and bfloat16 computations through the language, with PyTorch's
  /// answers in those types (scripts/make_precision_fixtures.py).
  public static let languagePrecision: [Fixture] = load("AttnLangTests/Fixtures/precision.json")

  static func load(_ relativePath: String) -> [Fixture] {
    let url = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent(relativePath)
    guard let data = try? Data(contentsOf: url),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
    else { preconditionFailure("cannot read \(url.path); run scripts/make_fixtures.py") }
    return object.keys.sorted().map { Fixture(name: $0, values: object[$0] ?? [:]) }
  }

  /// The cases whose names start with `prefix` (for example `"softmax."`).
  public static func named(_ prefix: String) -> [Fixture] {
    all.filter { $0.name.hasPrefix(prefix) }
  }

  /// The one case called exactly `name`.
  public static func one(_ name: String) -> Fixture {
    guard let fixture = all.first(where: { $0.name == name }) else {
      preconditionFailure("no fixture \(name)")
    }
    return fixture
  }
}
