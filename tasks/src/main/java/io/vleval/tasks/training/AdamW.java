package io.vleval.tasks.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.djl.ParameterUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch's {@code torch.optim.AdamW} (decoupled weight decay, no AMSGrad), one step at a time on
 * DJL arrays: per parameter, {@code p *= 1 - lr * wd}; {@code m = b1 m + (1 - b1) g}; {@code v = b2
 * v + (1 - b2) g^2}; {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 *
 * <p>Parameters come in groups with their own weight decay, as the reference's optimizer
 * constructors build them (norm weights and biases without decay). The moment buffers live in the
 * optimiser's own manager, closed with it; each parameter's temporaries in a sub-manager closed as
 * soon as it is updated, so that a step needs a few times the largest parameter beyond the state.
 */
public final class AdamW implements AutoCloseable {

  /**
   * Parameters sharing a weight decay and a learning-rate scale.
   *
   * @param params the parameter arrays, updated in place
   * @param weightDecay the decoupled weight decay
   * @param lrScale the factor on the step's learning rate (mmcv sets each group's rate to its
   *     scaled base rate and schedules it alike; layer-wise decay gives backbone layers scales
   *     below 1, heads 1)
   */
  public record Group(List<NDArray> params, double weightDecay, double lrScale) {
    public Group {
      params = List.copyOf(params);
    }

    /** A group at the step's learning rate. */
    public Group(List<NDArray> params, double weightDecay) {
      this(params, weightDecay, 1.0);
    }
  }

  private final NDManager manager;
  private final List<Group> groups;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final List<NDArray[]> moments = new ArrayList<>();
  private long steps;

  /**
   * @param parent the manager whose sub-manager holds the moment buffers
   */
  public AdamW(NDManager parent, List<Group> groups, double beta1, double beta2, double eps) {
    this.manager = parent.newSubManager();
    this.groups = List.copyOf(groups);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    for (Group g : this.groups) {
      for (NDArray p : g.params()) {
        moments.add(new NDArray[] {manager.zeros(p.getShape()), manager.zeros(p.getShape())});
      }
    }
  }

  /** AdamW with the reference's betas (0.9, 0.999) and eps 1e-8. */
  public static AdamW withDefaults(NDManager parent, List<Group> groups) {
    return new AdamW(parent, groups, 0.9, 0.999, 1e-8);
  }

  /** One step at learning rate {@code lr}, from each parameter's gradient. */
  public void step(double lr) {
    List<NDArray> grads = new ArrayList<>();
    for (Group g : groups) {
      for (NDArray p : g.params()) {
        grads.add(p.getGradient());
      }
    }
    step(lr, grads);
  }

  /** One step at learning rate {@code lr} from the given gradients, one per parameter in order. */
  public void step(double lr, List<NDArray> grads) {
    steps++;
    double bias1 = 1 - Math.pow(beta1, steps);
    double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
    int k = 0;
    for (Group g : groups) {
      double groupLr = lr * g.lrScale();
      double stepSize = groupLr / bias1;
      for (NDArray p : g.params()) {
        NDArray grad = grads.get(k);
        NDArray[] m = moments.get(k);
        k++;
        // one parameter's temporaries at a time: a fine-tuned backbone's are as large as it
        try (NDManager scope = manager.newSubManager()) {
          scope.tempAttachAll(grad, m[0], m[1]);
          if (g.weightDecay() != 0) {
            ParameterUpdate.scale(p, 1 - groupLr * g.weightDecay());
          }
          m[0].muli(beta1).addi(grad.mul(1 - beta1));
          m[1].muli(beta2).addi(grad.square().muli(1 - beta2));
          NDArray denom = m[1].sqrt().divi(bias2Sqrt).addi(eps);
          ParameterUpdate.subtract(p, m[0].div(denom).muli(stepSize));
        }
      }
    }
  }

  /** The parameter groups, in the order given. */
  public List<Group> groups() {
    return groups;
  }

  /** Steps taken so far. */
  public long steps() {
    return steps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
