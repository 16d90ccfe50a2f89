package io.vleval.training.spec;

import io.vleval.api.spec.Doc;
import java.util.List;

/**
 * AdamW (decoupled weight decay, as {@code torch.optim.AdamW}); weight decay is not applied to
 * one-dimensional weights (norm gains, biases, the temperature), as the reference fine-tuning does.
 *
 * @param lr peak learning rate
 * @param betas {@code [beta1, beta2]}
 * @param eps the denominator epsilon
 * @param weightDecay decoupled weight decay
 * @param visionLr peak learning rate of the InternViT weights ({@code vision_model.*}) when they
 *     train, null for {@code lr}; it follows the same schedule (a lower rate for a pre-trained
 *     tower, as LLaVA-NeXT's {@code mm_vision_tower_lr})
 */
public record OptimizerSpec(
    @Doc("peak learning rate (default 1e-3)") Double lr,
    @Doc("[beta1, beta2] (default [0.9, 0.98])") List<Double> betas,
    @Doc("epsilon (default 1e-6)") Double eps,
    @Doc("decoupled weight decay, not applied to 1-D weights (default 0.05)") Double weightDecay,
    @Doc("peak learning rate of the InternViT weights (default: lr), on the same schedule")
        Double visionLr) {

  /** Defaults and checks. */
  public OptimizerSpec {
    lr = lr == null ? 1e-3 : lr;
    betas = betas == null ? List.of(0.9, 0.98) : List.copyOf(betas);
    eps = eps == null ? 1e-6 : eps;
    weightDecay = weightDecay == null ? 0.05 : weightDecay;
    if (!(lr > 0)) {
      throw new IllegalArgumentException("'lr' must be positive, found " + lr);
    }
    if (visionLr != null && !(visionLr > 0)) {
      throw new IllegalArgumentException("'vision_lr' must be positive, found " + visionLr);
    }
    if (betas.size() != 2 || betas.stream().anyMatch(b -> !(b >= 0 && b < 1))) {
      throw new IllegalArgumentException("'betas' must be two numbers in [0, 1), found " + betas);
    }
    if (!(eps > 0) || weightDecay < 0) {
      throw new IllegalArgumentException(
          "'eps' must be positive and 'weight_decay' non-negative, found "
              + eps
              + " and "
              + weightDecay);
    }
  }

  /**
   * @return the defaults
   */
  public static OptimizerSpec defaults() {
    return new OptimizerSpec(null, null, null, null);
  }

  /** AdamW settings with one learning rate for every weight (the form before {@code vision_lr}). */
  public OptimizerSpec(Double lr, List<Double> betas, Double eps, Double weightDecay) {
    this(lr, betas, eps, weightDecay, null);
  }

  /**
   * @param name a trainable weight's name
   * @return its learning rate relative to {@code lr} (the vision tower's {@code vision_lr / lr},
   *     else 1)
   */
  public double lrFactor(String name) {
    return visionLr != null && name.startsWith("vision_model.") ? visionLr / lr : 1.0;
  }
}
