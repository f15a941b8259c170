import Foundation

/// How the learning rate changes over a run of `steps` steps, at step `t`
/// (counted from 0): kept constant, decayed linearly to 0
/// (`lr · (1 − t/steps)`), or along half a cosine (`lr · ½(1 + cos(π t/steps))`).
public enum LearningRateSchedule: Equatable, Sendable {
  /// The same learning rate at every step.
  case constant
  /// Decaying in a straight line from the learning rate to 0 at `steps`.
  case linear(steps: Int)
  /// Decaying along half a cosine from the learning rate to 0 at `steps`.
  case cosine(steps: Int)

  /// The learning rate at step `t` for a base rate `rate`.
  public func rate(_ rate: Double, at t: Int) -> Double {
    switch self {
    case .constant: return rate
    case .linear(let steps): return rate * (1 - Double(t) / Double(max(steps, 1)))
    case .cosine(let steps):
      return rate * 0.5 * (1 + cos(Double.pi * Double(t) / Double(max(steps, 1))))
    }
  }
}

/// One step of plain gradient descent: `p − lr · g` for each parameter.
///
/// - Throws: ``TensorError`` when a gradient's shape differs from its parameter's.
public func sgdStep(_ parameters: [Tensor], gradients: [Tensor], learningRate: Double) throws -> [Tensor] {
  try checkGradients(parameters, gradients, operation: "sgd")
  return zip(parameters, gradients).map { parameter, gradient in
    var updated = parameter.untracked
    updated.scalars.withUnsafeMutableBufferPointer { p in
      gradient.scalars.withUnsafeBufferPointer { g in
        for i in p.indices { p[i] -= learningRate * g[i] }
      }
    }
    return updated
  }
}

/// Adam (Kingma & Ba, 2015) with bias correction, computed exactly as
/// PyTorch's `torch.optim.Adam` (weight decay 0, not amsgrad): at step `t`
/// (from 1),
///
///     m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²   (m as torch.lerp computes it)
///     p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// with `lr` from the schedule at step `t − 1`.
public struct Adam: Equatable, Sendable {
  /// The step size before the schedule is applied (`lr`).
  public var learningRate: Double
  /// How much of the running mean of the gradients each step keeps (β₁).
  public var beta1: Double
  /// How much of the running mean of the squared gradients each step keeps (β₂).
  public var beta2: Double
  /// Added to the denominator for stability (ε).
  public var epsilon: Double
  /// How the learning rate changes over the steps.
  public var schedule: LearningRateSchedule
  /// Steps taken so far.
  public var steps: Int
  /// The running averages of the gradients (`m`), one per parameter.
  public var firstMoments: [Tensor]
  /// The running averages of the squared gradients (`v`), one per parameter.
  public var secondMoments: [Tensor]

  /// A fresh optimizer for parameters of these shapes (moments start at 0).
  public init(
    shapes: [[Int]], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
    schedule: LearningRateSchedule = .constant
  ) throws {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.schedule = schedule
    steps = 0
    firstMoments = try shapes.map { try Tensor(repeating: 0, shape: $0) }
    secondMoments = firstMoments
  }

  /// Takes one step: updates the moments and returns the new parameters.
  ///
  /// - Throws: ``TensorError`` when the gradients do not match the parameters.
  public mutating func step(_ parameters: [Tensor], gradients: [Tensor]) throws -> [Tensor] {
    try checkGradients(parameters, gradients, operation: "adam")
    guard parameters.count == firstMoments.count,
      zip(parameters, firstMoments).allSatisfy({ $0.shape == $1.shape })
    else {
      throw TensorError("adam", "the parameters' shapes changed since the optimizer was made")
    }
    let rate = schedule.rate(learningRate, at: steps)
    steps += 1
    let t = Double(steps)
    let stepSize = rate / (1 - cPow(beta1, t))
    let correction2 = (1 - cPow(beta2, t)).squareRoot()
    var updated = parameters.map(\.untracked)
    for index in parameters.indices {
      let gradient = gradients[index].scalars
      updated[index].scalars.withUnsafeMutableBufferPointer { p in
        firstMoments[index].scalars.withUnsafeMutableBufferPointer { m in
          secondMoments[index].scalars.withUnsafeMutableBufferPointer { v in
            // In PyTorch's order of operations (m by lerp, p by addcdiv), so the
            // rounding agrees too.
            let weight = 1 - beta1
            for i in p.indices {
              let g = gradient[i]
              m[i] = weight < 0.5 ? m[i] + weight * (g - m[i]) : g - (g - m[i]) * (1 - weight)
              v[i] = v[i] * beta2 + (1 - beta2) * g * g
              p[i] += -stepSize * (m[i] / (v[i].squareRoot() / correction2 + epsilon))
            }
          }
        }
      }
    }
    return updated
  }
}

func checkGradients(_ parameters: [Tensor], _ gradients: [Tensor], operation: String) throws {
  guard parameters.count == gradients.count else {
    throw TensorError(operation, "\(parameters.count) parameters but \(gradients.count) gradients")
  }
  for (parameter, gradient) in zip(parameters, gradients) where parameter.shape != gradient.shape {
    throw TensorError(
      operation,
      "a gradient of shape \(Tensor.describe(gradient.shape)) for a parameter of shape \(Tensor.describe(parameter.shape))"
    )
  }
}
