import Attention
import Foundation

// Softmax of three scores, checked against NumPy's
// (np.exp(x - x.max()) / np.exp(x - x.max()).sum() for x = [1, 2, 3]).
let probabilities = try softmax(Tensor([1, 2, 3]))
let numpy = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]
print("softmax([1, 2, 3]) =", probabilities.scalars)
guard zip(probabilities.scalars, numpy).allSatisfy({ abs($0 - $1) < 1e-12 }) else {
  print("error: softmax differs from NumPy's \(numpy)")
  exit(1)
}

// Soft attention of one query over three keys, the values being the keys.
let keys = try Tensor(rows: [[1, 0], [0, 1], [1, 1]])
let result = try attention(Tensor([1, 0]), keys: keys, values: keys)
print("weights =", result.weights.scalars)
print("output  =", result.output.scalars)

// A gradient from the tape (d/dx Σ x² = 2x), then Adam walking x to the minimum.
var x = Tensor([1, 2, 3])
let (_, gradients) = try valueWithGradient(at: [x]) { p in try sum(p[0] * p[0]) }
print("gradient of sum(x * x) at [1, 2, 3] =", gradients[0].scalars)
guard gradients[0].scalars == [2, 4, 6] else {
  print("error: expected [2, 4, 6]")
  exit(1)
}
var adam = try Adam(shapes: [x.shape], learningRate: 0.1)
for _ in 0..<200 {
  let (_, gradients) = try valueWithGradient(at: [x]) { p in try sum(p[0] * p[0]) }
  x = try adam.step([x], gradients: gradients)[0]
}
print("after 200 Adam steps x =", x.scalars)
guard x.scalars.allSatisfy({ abs($0) < 0.1 }) else {
  print("error: Adam did not approach the minimum at 0")
  exit(1)
}
