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
