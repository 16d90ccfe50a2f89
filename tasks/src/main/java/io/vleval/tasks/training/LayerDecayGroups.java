package io.vleval.tasks.training;

import ai.djl.ndarray.NDArray;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.LayerDecay;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The optimiser groups of a trainable backbone as InternVL's {@code
 * CustomLayerDecayOptimizerConstructor} builds them ({@code segmentation/mmcv_custom/
 * layer_decay_optimizer_constructor.py}): one group per layer id and weight-decay choice (its
 * {@code layer_<id>_decay} and {@code layer_<id>_no_decay}), at the learning-rate scale {@link
 * LayerDecay#lrScale} of the layer id and with the configured weight decay where {@link
 * BackboneParameter#weightDecay()} says it applies, 0 elsewhere. Frozen parameters are left out, as
 * the reference skips parameters that do not require a gradient.
 *
 * <p>The task's head joins with its own groups at the scale of {@link LayerDecay#head()}, which is
 * 1: mmcv's poly schedule then scales every group's rate alike, so a parameter of layer id {@code
 * l} trains at {@code lr * rate^(depth + 1 - l) * poly(iteration)}.
 */
public final class LayerDecayGroups {
  private LayerDecayGroups() {}

  /**
   * The groups, in layer order (embeddings first), each with the decayed parameters before the
   * others.
   *
   * @param parameters a backbone copy's parameters
   * @param decay the layer-wise decay
   * @param weightDecay the weight decay of the parameters it applies to
   * @return the groups
   */
  public static List<AdamW.Group> of(
      List<BackboneParameter> parameters, LayerDecay decay, double weightDecay) {
    // key: layer id * 2, + 1 for the parameters without weight decay
    Map<Integer, List<NDArray>> groups = new TreeMap<>();
    for (BackboneParameter p : parameters) {
      if (!p.parameter().requiresGradient()) {
        continue;
      }
      int key = p.layerId() * 2 + (p.weightDecay() ? 0 : 1);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p.parameter().getArray());
    }
    List<AdamW.Group> out = new ArrayList<>(groups.size());
    for (Map.Entry<Integer, List<NDArray>> e : groups.entrySet()) {
      int layerId = e.getKey() / 2;
      boolean decays = e.getKey() % 2 == 0;
      out.add(new AdamW.Group(e.getValue(), decays ? weightDecay : 0.0, decay.lrScale(layerId)));
    }
    return out;
  }
}
