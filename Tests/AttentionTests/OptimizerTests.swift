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
  }

  @Test func mistakes() throws {
    var adam = try Adam(shapes: [[2]])
    #expect(throws: TensorError.self) { try adam.step([Tensor([1, 2, 3])], gradients: [Tensor([1, 2, 3])]) }
    #expect(throws: TensorError.self) { try adam.step([Tensor([1, 2])], gradients: [Tensor([1])]) }
  }
}
