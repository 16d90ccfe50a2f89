package io.vleval.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as {@code torch.optim.AdamW} computes it, on arrays updated in place:
 *
 * <pre>
 * w *= 1 - lr * wd            (only for weights of two or more dimensions)
 * m  = b1 m + (1 - b1) g
 * v  = b2 v + (1 - b2) g^2
 * w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * <p>The moments live in the optimizer's own manager and are saved with checkpoints (see {@link
 * #state()}), so a resumed run continues exactly. Every temporary of a step is created in the
 * step's manager.
 */
public final class AdamW implements AutoCloseable {

  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final NDManager manager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();

  /**
   * @param beta1 first-moment decay
   * @param beta2 second-moment decay
   * @param eps denominator epsilon
   * @param weightDecay decoupled weight decay
   * @param parent the manager the moments hang from
   */
  public AdamW(double beta1, double beta2, double eps, double weightDecay, NDManager parent) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.manager = parent.newSubManager();
  }

  /**
   * Applies one update to a weight.
   *
   * @param name the weight's name (keys the moments)
   * @param weight the weight, updated in place
   * @param grad its gradient, owned by {@code step}
   * @param lr the learning rate
   * @param t the 1-based update count
   * @param step the manager of this step's temporaries
   */
  public void update(String name, NDArray weight, NDArray grad, double lr, int t, NDManager step) {
    NDArray m1 = m.computeIfAbsent(name, k -> zeros(weight));
    NDArray v1 = v.computeIfAbsent(name, k -> zeros(weight));
    if (weightDecay > 0 && weight.getShape().dimension() > 1) {
      weight.muli((float) (1 - lr * weightDecay));
    }
    m1.muli((float) beta1).addi(grad.mul((float) (1 - beta1)));
    v1.muli((float) beta2).addi(grad.square().mul((float) (1 - beta2)));
    double bc1 = 1 - Math.pow(beta1, t);
    double bc2 = 1 - Math.pow(beta2, t);
    NDArray denom = own(v1.div((float) bc2), step).sqrt().add((float) eps);
    NDArray delta = own(m1.mul((float) (lr / bc1)), step).div(denom);
    weight.subi(delta);
  }

  private NDArray zeros(NDArray like) {
    return manager.zeros(like.getShape(), like.getDataType(), like.getDevice());
  }

  private static NDArray own(NDArray a, NDManager step) {
    a.attach(step);
    return a;
  }

  /**
   * The moments by {@code m.NAME} / {@code v.NAME}, for checkpoints.
   *
   * @return name → array (owned by the optimizer)
   */
  public Map<String, NDArray> state() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    m.forEach((k, a) -> out.put("m." + k, a));
    v.forEach((k, a) -> out.put("v." + k, a));
    return out;
  }

  /**
   * Restores moments saved by {@link #state()}.
   *
   * @param values name → values with shapes
   */
  public void restore(Map<String, NDArray> values) {
    values.forEach(
        (k, a) -> {
          NDArray copy = a.duplicate();
          copy.attach(manager);
          if (k.startsWith("m.")) {
            m.put(k.substring(2), copy);
          } else if (k.startsWith("v.")) {
            v.put(k.substring(2), copy);
          } else {
            throw new IllegalArgumentException("not an optimizer state key: " + k);
          }
        });
  }

  /** Releases the moments. */
  @Override
  public void close() {
    manager.close();
  }
}
