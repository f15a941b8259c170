import Foundation
import _AttentionKernels

/// How the learning rate changes over a run, at step `t` (counted from 0), as
/// nanoGPT's `get_lr` computes it.
///
/// For the first `warmup` steps the rate climbs in a straight line,
/// `lr · (t + 1)/(warmup + 1)`. Then it is kept constant, or decays from `lr`
/// to `minimum` at step `steps` — in a straight line or along half a cosine:
///
///     r = (t − warmup)/(steps − warmup)
///     linear: minimum + (1 − r)(lr − minimum)      cosine: minimum + ½(1 + cos πr)(lr − minimum)
///
/// and stays at `minimum` after `steps`. With no warmup and a minimum of 0,
/// `linear` is `lr · (1 − t/steps)` and `cosine` is `lr · ½(1 + cos(π t/steps))`.
public struct LearningRateSchedule: Equatable, Sendable {
  /// What the rate does after the warmup.
  public enum Decay: String, CaseIterable, Equatable, Sendable {
    /// The rate stays the base rate.
    case constant
    /// The rate falls in a straight line to the minimum.
    case linear
    /// The rate falls along half a cosine to the minimum.
    case cosine
  }

  /// What the rate does after the warmup.
  public var decay: Decay
  /// The step at which a decaying rate reaches `minimum`.
  public var steps: Int
  /// How many steps the rate climbs from near 0 to the base rate.
  public var warmup: Int
  /// The rate a decay ends at (`min_lr`).
  public var minimum: Double

  /// A schedule from its parts; `steps` matters only for a decay.
  public init(decay: Decay, steps: Int = 0, warmup: Int = 0, minimum: Double = 0) {
    self.decay = decay
    self.steps = steps
    self.warmup = warmup
    self.minimum = minimum
  }

  /// The same learning rate at every step.
  public static let constant = LearningRateSchedule(decay: .constant)

  /// Decaying in a straight line to `minimum` at `steps`, after `warmup` steps.
  public static func linear(steps: Int, warmup: Int = 0, minimum: Double = 0) -> LearningRateSchedule {
    LearningRateSchedule(decay: .linear, steps: steps, warmup: warmup, minimum: minimum)
  }

  /// Decaying along half a cosine to `minimum` at `steps`, after `warmup` steps.
  public static func cosine(steps: Int, warmup: Int = 0, minimum: Double = 0) -> LearningRateSchedule {
    LearningRateSchedule(decay: .cosine, steps: steps, warmup: warmup, minimum: minimum)
  }

  /// The learning rate at step `t` for a base rate `rate`.
  public func rate(_ rate: Double, at t: Int) -> Double {
    if t < warmup { return rate * Double(t + 1) / Double(warmup + 1) }
    if decay == .constant { return rate }
    if t > steps { return minimum }
    let ratio = min(max(Double(t - warmup) / Double(max(steps - warmup, 1)), 0), 1)
    let coefficient = decay == .linear ? 1 - ratio : 0.5 * (1 + cos(Double.pi * ratio))
    return minimum + coefficient * (rate - minimum)
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
/// with `lr` from the schedule at step `t − 1`. With a `weightDecay` it is
/// AdamW (Loshchilov & Hutter, 2019) as `torch.optim.AdamW` computes it: first
/// `p ← p · (1 − lr · weightDecay)`, decoupled from the gradient — applied,
/// as nanoGPT groups its parameters, only to parameters of rank 2 or more
/// (weight matrices and embeddings), never to vectors such as biases and
/// LayerNorm gains.
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
  /// Decoupled weight decay (AdamW) for parameters of rank 2 or more; 0 is Adam.
  public var weightDecay: Double
  /// Steps taken so far.
  public var steps: Int
  /// The running averages of the gradients (`m`), one per parameter.
  public var firstMoments: [Tensor]
  /// The running averages of the squared gradients (`v`), one per parameter.
  public var secondMoments: [Tensor]

  /// A fresh optimizer for parameters of these shapes (moments start at 0).
  public init(
    shapes: [some Collection<Int>], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
    epsilon: Double = 1e-8,
    schedule: LearningRateSchedule = .constant, weightDecay: Double = 0
  ) throws {
    let zeros = try shapes.map { try Tensor(repeating: 0, shape: $0) }
    self.init(
      firstMoments: zeros, secondMoments: zeros, steps: 0, learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon, schedule: schedule, weightDecay: weightDecay)
  }

  /// An optimizer that goes on from `steps` steps taken with these moments
  /// (one of each per parameter, of its shape).
  public init(
    firstMoments: [Tensor], secondMoments: [Tensor], steps: Int, learningRate: Double = 1e-3, beta1: Double = 0.9,
    beta2: Double = 0.999, epsilon: Double = 1e-8, schedule: LearningRateSchedule = .constant, weightDecay: Double = 0
  ) {
    self.learningRate = learningRate
    self.weightDecay = weightDecay
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.schedule = schedule
    self.steps = steps
    self.firstMoments = firstMoments
    self.secondMoments = secondMoments
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
      let shrink = weightDecay != 0 && parameters[index].rank >= 2 ? 1 - rate * weightDecay : 1
      if updated[index].dtype == .float32, firstMoments[index].dtype == .float32,
        secondMoments[index].dtype == .float32
      {
        // float32 parameters step in float32, as PyTorch's, into new arrays:
        // the old ones are usually shared with the caller's values (copying
        // them first to update in place would cost a pass more).
        let settings = (
          shrink: Float(shrink), weight: Float(1 - beta1), beta2: Float(beta2), step: Float(stepSize),
          correction2: Float(correction2), epsilon: Float(epsilon)
        )
        let count = updated[index].count
        var (newP, newM, newV) = (
          Tensor.uninitializedFloats(count), Tensor.uninitializedFloats(count), Tensor.uninitializedFloats(count)
        )
        withPointers(updated[index].floats, firstMoments[index].floats, secondMoments[index].floats) { p, m, v in
          gradients[index].untracked.floats.withUnsafeBufferPointer { g in
            newP.withUnsafeMutableBufferPointer { newP in
              newM.withUnsafeMutableBufferPointer { newM in
                newV.withUnsafeMutableBufferPointer { newV in
                  guard let p, let m, let v, let g = g.baseAddress, let newP = newP.baseAddress,
                    let newM = newM.baseAddress, let newV = newV.baseAddress
                  else { return }
                  let sources = (ConstantBuffer(base: p), ConstantBuffer(base: m), ConstantBuffer(base: v))
                  let (gs, targets) = (
                    ConstantBuffer(base: g),
                    (SharedBuffer(base: newP), SharedBuffer(base: newM), SharedBuffer(base: newV))
                  )
                  // About ten operations and 28 bytes of traffic per element.
                  forEachChunk(count, work: 16 * count) { range in
                    let i = range.lowerBound
                    Processor.adam(
                      sources.0.base + i, sources.1.base + i, sources.2.base + i, gs.base + i, targets.0.base + i,
                      targets.1.base + i, targets.2.base + i, range.count, settings.shrink, settings.weight,
                      settings.beta2, settings.step, settings.correction2, settings.epsilon)
                  }
                }
              }
            }
          }
        }
        let shape = updated[index].shape
        updated[index] = Tensor(unchecked: shape, floats: newP, dtype: .float32)
        firstMoments[index] = Tensor(unchecked: shape, floats: newM, dtype: .float32)
        secondMoments[index] = Tensor(unchecked: shape, floats: newV, dtype: .float32)
        continue
      }
      let gradient = gradients[index].scalars
      updated[index].scalars.withUnsafeMutableBufferPointer { p in
        firstMoments[index].scalars.withUnsafeMutableBufferPointer { m in
          secondMoments[index].scalars.withUnsafeMutableBufferPointer { v in
            // In PyTorch's order of operations (m by lerp, p by addcdiv), so the
            // rounding agrees too.
            let weight = 1 - beta1
            for i in p.indices {
              let g = gradient[i]
              if shrink != 1 { p[i] *= shrink }
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

/// Scales gradients down so that their global 2-norm (over all of them, as
/// one vector) is at most `maxNorm`, as `torch.nn.utils.clip_grad_norm_`:
/// each is multiplied by `min(1, maxNorm / (norm + 1e-6))`.
///
/// - Returns: the scaled gradients and their norm *before* scaling.
/// - Throws: ``TensorError`` when `maxNorm` is not a positive number.
public func clipGradientNorm(_ gradients: [Tensor], maxNorm: Double) throws -> (gradients: [Tensor], norm: Double) {
  guard maxNorm > 0, maxNorm.isFinite else {
    throw TensorError("clipgrad", "the largest norm must be a positive number, got \(maxNorm)")
  }
  // The norm of the per-tensor norms, as PyTorch computes it.
  var squares = 0.0
  for gradient in gradients {
    var sum = 0.0
    if gradient.dtype == .float32 {
      // Read in place: `scalars` of a float32 tensor is a widened copy.
      sum = gradient.floats.withUnsafeBufferPointer { values in
        values.baseAddress.map { Processor.sumOfSquares($0, values.count) } ?? 0
      }
    } else {
      for value in gradient.scalars { sum += value * value }
    }
    let norm = sum.squareRoot()
    squares += norm * norm
  }
  let norm = squares.squareRoot()
  let factor = min(maxNorm / (norm + 1e-6), 1)
  let scaled = gradients.map { gradient in
    let gradient = gradient.untracked
    if factor == 1 { return gradient }
    if gradient.dtype == .float32 {
      // float32 gradients are scaled in float32 (by the factor rounded to
      // float32, as PyTorch's), into a new array: the old one is usually
      // shared with the caller's value.
      var values = Tensor.uninitializedFloats(gradient.count)
      gradient.floats.withUnsafeBufferPointer { source in
        values.withUnsafeMutableBufferPointer { target in
          guard let source = source.baseAddress, let target = target.baseAddress else { return }
          Processor.scale(source, target, gradient.count, Float(factor))
        }
      }
      return Tensor(unchecked: gradient.shape, floats: values, dtype: .float32)
    }
    var result = gradient
    result.scalars.withUnsafeMutableBufferPointer { values in
      for i in values.indices { values[i] *= factor }
    }
    return result
  }
  return (scaled, norm)
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
