import Foundation
import Testing
import _TestSupport

@testable import Attention

/// Adam and SGD against torch.optim, step by step (fixtures from
/// scripts/make_gradient_fixtures.py).
@Suite struct OptimizerTests {
  @Test(arguments: Fixtures.adam)
  func adamMatchesPyTorch(_ fixture: Fixture) throws {
    let steps = fixture.int("steps")
    let schedule: LearningRateSchedule =
      switch fixture.string("decay") {
      case "linear": .linear(steps: steps)
      case "cosine": .cosine(steps: steps)
      default: .constant
      }
    var parameters = fixture.tensorList("start")
    var adam = try Adam(
      shapes: parameters.map(\.shape), learningRate: fixture.double("lr", default: 0),
      beta1: fixture.double("beta1", default: 0), beta2: fixture.double("beta2", default: 0),
      epsilon: fixture.double("eps", default: 0), schedule: schedule)
    let gradients = fixture.tensorLists("gradients")
    let after = fixture.tensorLists("after")
    #expect(gradients.count == steps && after.count == steps)
    for (step, (gradient, expected)) in zip(gradients, after).enumerated() {
      parameters = try adam.step(parameters, gradients: gradient)
      for (parameter, reference) in zip(parameters, expected) {
        #expect(
          parameter.isApproximatelyEqual(to: reference, tolerance: 1e-12),
          "\(fixture.name) step \(step + 1): \(parameter.scalars) vs PyTorch \(reference.scalars)")
      }
    }
    #expect(adam.steps == steps)
  }

  /// torch.optim.AdamW with nanoGPT's parameter groups (matrices decay,
  /// vectors do not) and its get_lr set before each step.
  @Test(arguments: Fixtures.training.filter { $0.string("kind") == "adamw" })
  func adamwMatchesPyTorch(_ fixture: Fixture) throws {
    let learningRate = fixture.double("lr", default: 0)
    let decaySteps = fixture.int("decay_steps")
    let schedule: LearningRateSchedule =
      decaySteps > 0
      ? .cosine(steps: decaySteps, warmup: fixture.int("warmup"), minimum: fixture.double("min_lr", default: 0))
      : .constant
    var parameters = fixture.tensorList("start")
    var adamw = try Adam(
      shapes: parameters.map(\.shape), learningRate: learningRate, beta1: fixture.double("beta1", default: 0),
      beta2: fixture.double("beta2", default: 0), epsilon: fixture.double("eps", default: 0), schedule: schedule,
      weightDecay: fixture.double("weight_decay", default: 0))
    let rates = (fixture.values["rates"] as? [NSNumber] ?? []).map(\.doubleValue)
    let gradients = fixture.tensorLists("gradients")
    let after = fixture.tensorLists("after")
    #expect(gradients.count == fixture.int("steps") && after.count == gradients.count && rates.count == gradients.count)
    for (step, (gradient, expected)) in zip(gradients, after).enumerated() {
      #expect(
        schedule.rate(learningRate, at: step).isApproximatelyEqual(to: rates[step], tolerance: 1e-15),
        "\(fixture.name) step \(step): the rate nanoGPT's get_lr gives")
      parameters = try adamw.step(parameters, gradients: gradient)
      for (parameter, reference) in zip(parameters, expected) {
        #expect(
          parameter.isApproximatelyEqual(to: reference, tolerance: 1e-12),
          "\(fixture.name) step \(step + 1): \(parameter.scalars) vs PyTorch \(reference.scalars)")
      }
    }
  }

  @Test(arguments: Fixtures.training.filter { $0.string("kind") == "clip" })
  func clipMatchesPyTorch(_ fixture: Fixture) throws {
    let (clipped, norm) = try clipGradientNorm(
      fixture.tensorList("gradients"), maxNorm: fixture.double("max_norm", default: 0))
    #expect(norm.isApproximatelyEqual(to: fixture.double("norm", default: .nan), tolerance: 1e-13))
    let expected = fixture.tensorList("clipped")
    #expect(clipped.count == expected.count)
    for (gradient, reference) in zip(clipped, expected) {
      #expect(gradient.isApproximatelyEqual(to: reference, tolerance: 1e-13), "\(fixture.name): \(gradient.scalars)")
    }
  }

  @Test func clippingRefusesABadLimit() {
    #expect(throws: TensorError.self) { try clipGradientNorm([Tensor([1])], maxNorm: 0) }
    #expect(throws: TensorError.self) { try clipGradientNorm([Tensor([1])], maxNorm: .infinity) }
    #expect(throws: TensorError.self) { try clipGradientNorm([Tensor([1])], maxNorm: .nan) }
  }

  @Test func sgdSubtractsTheScaledGradient() throws {
    let updated = try sgdStep([Tensor([1, 2])], gradients: [Tensor([10, -10])], learningRate: 0.01)
    #expect(updated[0].isApproximatelyEqual(to: Tensor([0.9, 2.1]), tolerance: 1e-15))
    #expect(throws: TensorError.self) { try sgdStep([Tensor([1, 2])], gradients: [Tensor([1])], learningRate: 1) }
  }

  @Test func schedules() {
    #expect(LearningRateSchedule.constant.rate(0.1, at: 50) == 0.1)
    #expect(LearningRateSchedule.linear(steps: 100).rate(0.1, at: 0) == 0.1)
    #expect(LearningRateSchedule.linear(steps: 100).rate(0.1, at: 75).isApproximatelyEqual(to: 0.025, tolerance: 1e-15))
    #expect(LearningRateSchedule.cosine(steps: 100).rate(0.1, at: 50).isApproximatelyEqual(to: 0.05, tolerance: 1e-15))
    #expect(LearningRateSchedule.cosine(steps: 100).rate(0.1, at: 100).isApproximatelyEqual(to: 0, tolerance: 1e-15))
    // Past its end a decay stays at its minimum (it used to turn negative or climb back).
    #expect(LearningRateSchedule.linear(steps: 100).rate(0.1, at: 150) == 0)
    #expect(LearningRateSchedule.cosine(steps: 100, minimum: 0.01).rate(0.1, at: 150) == 0.01)
    // Warmup climbs to the base rate whatever follows.
    #expect(LearningRateSchedule(decay: .constant, warmup: 4).rate(0.5, at: 0) == 0.1)
    #expect(LearningRateSchedule(decay: .constant, warmup: 4).rate(0.5, at: 4) == 0.5)
  }

  @Test func mistakes() throws {
    var adam = try Adam(shapes: [[2]])
    #expect(throws: TensorError.self) { try adam.step([Tensor([1, 2, 3])], gradients: [Tensor([1, 2, 3])]) }
    #expect(throws: TensorError.self) { try adam.step([Tensor([1, 2])], gradients: [Tensor([1])]) }
  }
}
