package io.vleval.tasks.segmentation.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.LayerDecay;
import io.vleval.tasks.segmentation.Reference;
import io.vleval.tasks.training.AdamW;
import io.vleval.tasks.training.LayerDecayGroups;
import io.vleval.tasks.training.PolyLrSchedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code segmentation/full_tuning_reference.json}: the optimiser full tuning builds
 * (a trainable backbone's parameters grouped by {@link LayerDecayGroups} from their layer ids and
 * weight-decay flags, the UperNet head's own groups, {@link HeadTrainer}'s AdamW and poly schedule)
 * gives every parameter, at every iteration, the learning rate and weight decay that InternVL's
 * layer-decay optimiser constructor and mmcv's poly schedule give it ({@code lr x layer scale x
 * poly factor}), and AdamW's steps from the reference's gradients give the reference's parameters.
 */
class FullTuningOptimizerFixtureTest {
  private static final JsonNode FIXTURE = Reference.load("full_tuning_reference.json");

  /** Relative tolerance of a learning rate (double arithmetic in another order). */
  static final double LR = 1e-12;

  /** Absolute tolerance of a parameter after a step (float32 values of order 1). */
  static final double PARAMS = 1e-6;

  @TestFactory
  Stream<DynamicTest> cases() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("cases")) {
      tests.add(dynamicTest("full tuning seed " + c.get("seed").intValue(), () -> check(c)));
    }
    return tests.stream();
  }

  private static boolean inBackbone(String name) {
    // the pyramid belongs to the reference's backbone module, but to the head's layer id
    return name.startsWith("backbone.") && !name.startsWith("backbone.up");
  }

  private static void check(JsonNode c) {
    int depth = c.get("depth").intValue();
    double weightDecay = c.get("weight_decay").doubleValue();
    LayerDecay decay = new LayerDecay(c.get("layer_decay_rate").doubleValue(), depth);
    Map<String, JsonNode> reference = new HashMap<>();
    c.get("params").forEach(p -> reference.put(p.get("name").asText(), p));
    try (NDManager manager = NDManager.newBaseManager()) {
      List<BackboneParameter> backbone = new ArrayList<>();
      Map<String, float[]> headValues = new HashMap<>();
      for (JsonNode p : c.get("params")) {
        String name = p.get("name").asText();
        float[] values = Reference.floats(p.get("initial"));
        if (!inBackbone(name)) {
          headValues.put(name, values);
          continue;
        }
        int[] s = Reference.shape(p.get("initial"));
        long[] shape = new long[s.length];
        for (int i = 0; i < s.length; i++) {
          shape[i] = s[i];
        }
        NDArray array = manager.create(values, new Shape(shape));
        array.setRequiresGradient(true);
        Parameter parameter =
            Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        parameter.setArray(array);
        // the layer id as a backbone reports it; the weight-decay flag by the shared rule
        backbone.add(
            new BackboneParameter(
                name,
                parameter,
                p.get("layer_id").intValue(),
                LayerDecay.appliesWeightDecay(name, array.getShape())));
      }
      try (UperNetDecodeHead head =
          new UperNetDecodeHead(
              manager,
              c.get("channels").intValue(),
              c.get("head_channels").intValue(),
              c.get("classes").intValue(),
              List.of(0, 0, 0, 0),
              2,
              0)) {
        assertThat(head.params().parameters().keySet())
            .containsExactlyInAnyOrderElementsOf(headValues.keySet());
        head.params().load(headValues);
        Map<NDArray, String> names = new IdentityHashMap<>();
        backbone.forEach(p -> names.put(p.parameter().getArray(), p.name()));
        head.params().parameters().forEach((n, a) -> names.put(a, n));
        // the layer ids of the head's parameters: the top one, whose scale is 1
        for (String n : headValues.keySet()) {
          assertThat(reference.get(n).get("layer_id").intValue()).as(n).isEqualTo(decay.head());
        }

        List<AdamW.Group> groups = LayerDecayGroups.of(backbone, decay, weightDecay);
        PolyLrSchedule schedule =
            HeadTrainer.schedule(
                new HeadTrainer.Settings(
                    c.get("max_iters").intValue(),
                    2,
                    c.get("base_lr").doubleValue(),
                    weightDecay,
                    c.get("warmup_iters").intValue(),
                    0));
        try (AdamW adam = HeadTrainer.optimizer(head, groups, weightDecay, manager)) {
          int grouped = 0;
          for (AdamW.Group g : adam.groups()) {
            for (NDArray p : g.params()) {
              String n = names.get(p);
              JsonNode ref = reference.get(n);
              assertThat(g.lrScale())
                  .as(n + " lr scale")
                  .isCloseTo(ref.get("lr_scale").doubleValue(), within(1e-15));
              assertThat(g.weightDecay())
                  .as(n + " weight decay")
                  .isEqualTo(ref.get("weight_decay").doubleValue());
              grouped++;
            }
          }
          assertThat(grouped).as("every parameter in one group").isEqualTo(reference.size());

          for (JsonNode step : c.get("steps")) {
            int it = step.get("iteration").intValue();
            double lr = schedule.at(it);
            List<NDArray> grads = new ArrayList<>();
            try (NDManager scope = manager.newSubManager()) {
              for (AdamW.Group g : adam.groups()) {
                for (NDArray p : g.params()) {
                  String n = names.get(p);
                  double expected = step.get("lr").get(n).doubleValue();
                  assertThat(Math.abs(lr * g.lrScale() - expected))
                      .as(n + " learning rate at iteration " + it)
                      .isLessThanOrEqualTo(LR * expected);
                  grads.add(scope.create(Reference.floats(step.get("grads").get(n)), p.getShape()));
                }
              }
              adam.step(lr, grads);
            }
            for (Map.Entry<NDArray, String> e : names.entrySet()) {
              assertThat(
                      Reference.maxAbsDiff(
                          e.getKey().toFloatArray(),
                          Reference.floats(step.get("params").get(e.getValue()))))
                  .as(e.getValue() + " after iteration " + it)
                  .isLessThan(PARAMS);
            }
          }
        }
      }
    }
  }
}
