/// Dropout (Srivastava et al., 2014): each element is zeroed with
/// probability `probability` and the survivors are scaled by
/// `1 / (1 − probability)`, so the expected value of every element is
/// unchanged — `torch.nn.functional.dropout(x, p, training=True)`, with the
/// mask drawn from ``SplitMix64`` seeded with `seed` (one uniform per element,
/// row-major) instead of PyTorch's generator. Gradient: the same mask and
/// scale applied to the incoming gradient.
///
/// Whether to apply it is the caller's choice: PyTorch asks the module
/// (`model.train()` / `model.eval()`); the language applies it only while a
/// gradient is being computed.
///
/// - Throws: ``TensorError`` when `probability` is not in `[0, 1]`.
public func dropout(_ x: Tensor, probability: Double, seed: UInt64) throws -> Tensor {
  guard probability >= 0, probability <= 1 else {
    throw TensorError("dropout", "the probability must be in [0, 1], got \(probability)")
  }
  if probability == 0 { return x }
  var generator = SplitMix64(seed: seed)
  let keep = probability == 1 ? 0 : 1 / (1 - probability)
  var mask = try Tensor.uninitializedStorage(x.shape, operation: "dropout")
  for index in mask.indices { mask[index] = generator.nextUniform() < probability ? 0 : keep }
  let maskTensor = Tensor(unchecked: x.shape, mask)
  let result = try x.untracked * maskTensor
  guard let tape = Tape.recording(x) else { return result }
  return tape.record(result, "dropout", inputs: [x]) { gradient, gradients in
    gradients.add(try gradient * maskTensor, to: x)
  }
}
