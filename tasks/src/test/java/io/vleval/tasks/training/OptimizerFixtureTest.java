package io.vleval.tasks.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.segmentation.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code segmentation/optimizer_reference.json}: {@link PolyLrSchedule} gives mmcv's
 * poly-with-warm-up rates, and {@link AdamW} fed the same gradients follows {@code
 * torch.optim.AdamW} step by step (norm weights and biases in a group without weight decay).
 */
class OptimizerFixtureTest {
  private static final JsonNode FIXTURE = Reference.load("optimizer_reference.json");

  /** The largest parameter difference allowed over all steps of a case. */
  static final double TOLERANCE = 1e-6;

  private static PolyLrSchedule schedule(JsonNode c) {
    return new PolyLrSchedule(
        c.get("base_lr").doubleValue(),
        c.get("max_iters").longValue(),
        1.0,
        0.0,
        c.get("warmup_iters").longValue(),
        1e-6);
  }

  private static float[] floats(JsonNode values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).floatValue();
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> schedules() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode s : FIXTURE.get("schedules")) {
      tests.add(
          dynamicTest(
              s.get("max_iters").longValue() + " iterations",
              () -> {
                PolyLrSchedule schedule = schedule(s);
                for (JsonNode p : s.get("points")) {
                  assertThat(schedule.at(p.get("iteration").longValue()))
                      .as("iteration %d", p.get("iteration").longValue())
                      .isCloseTo(p.get("lr").doubleValue(), within(1e-18));
                }
              }));
    }
    return tests.stream();
  }

  /** A group's learning-rate scale acts as running that group at the scaled rate. */
  @Test
  void aGroupsScaleMultipliesItsRate() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.create(new float[] {1f, -2f, 3f});
      NDArray b = manager.create(new float[] {1f, -2f, 3f});
      try (AdamW scaled =
              AdamW.withDefaults(manager, List.of(new AdamW.Group(List.of(a), 0.05, 0.25)));
          AdamW plain = AdamW.withDefaults(manager, List.of(new AdamW.Group(List.of(b), 0.05)))) {
        for (int step = 1; step <= 5; step++) {
          try (NDManager g = manager.newSubManager()) {
            float[] grad = {0.1f * step, -0.3f, 0.2f / step};
            scaled.step(0.04, List.of(g.create(grad)));
            plain.step(0.01, List.of(g.create(grad)));
          }
        }
      }
      assertThat(Reference.maxAbsDiff(a.toFloatArray(), b.toFloatArray())).isLessThan(1e-7);
      assertThat(a.toFloatArray()[0]).isNotEqualTo(1f);
    }
  }

  @TestFactory
  Stream<DynamicTest> adamWSteps() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("cases")) {
      tests.add(dynamicTest("seed " + c.get("seed").intValue(), () -> check(c)));
    }
    return tests.stream();
  }

  private static void check(JsonNode c) {
    PolyLrSchedule schedule = schedule(c);
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      List<String> order = new ArrayList<>();
      for (String group : List.of("decay", "no_decay")) {
        c.get(group).forEach(n -> order.add(n.asText()));
      }
      for (String name : order) {
        long[] shape = new long[c.get("shapes").get(name).size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = c.get("shapes").get(name).get(i).longValue();
        }
        params.put(name, manager.create(floats(c.get("initial").get(name)), new Shape(shape)));
      }
      List<NDArray> decay = new ArrayList<>();
      c.get("decay").forEach(n -> decay.add(params.get(n.asText())));
      List<NDArray> noDecay = new ArrayList<>();
      c.get("no_decay").forEach(n -> noDecay.add(params.get(n.asText())));
      double worst = 0;
      try (AdamW adam =
          AdamW.withDefaults(
              manager,
              List.of(
                  new AdamW.Group(decay, c.get("weight_decay").doubleValue()),
                  new AdamW.Group(noDecay, 0)))) {
        for (JsonNode step : c.get("steps")) {
          long it = step.get("iteration").longValue();
          double lr = schedule.at(it);
          assertThat(lr).isCloseTo(step.get("lr").doubleValue(), within(1e-18));
          try (NDManager grads = manager.newSubManager()) {
            List<NDArray> g = new ArrayList<>();
            for (String name : order) {
              g.add(grads.create(floats(step.get("grads").get(name)), params.get(name).getShape()));
            }
            adam.step(lr, g);
          }
          for (String name : order) {
            worst =
                Math.max(
                    worst,
                    Reference.maxAbsDiff(
                        params.get(name).toFloatArray(), floats(step.get("params").get(name))));
          }
        }
      }
      assertThat(worst).isLessThan(TOLERANCE);
      assertThat(manager.getManagedArrays()).hasSize(params.size());
    }
  }
}
