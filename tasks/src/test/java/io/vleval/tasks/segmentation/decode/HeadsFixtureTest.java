package io.vleval.tasks.segmentation.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.tasks.segmentation.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code segmentation/heads_reference.json}: with the reference's weights, the
 * linear-probing head and the pyramid + UperNet + auxiliary FCN head give the reference's pyramid
 * levels, logits and losses in eval mode, and in training mode (batch statistics) the reference's
 * loss, the gradient of every parameter and the updated running statistics.
 */
class HeadsFixtureTest {
  private static final JsonNode FIXTURE = Reference.load("heads_reference.json");

  /** Tolerances (absolute) per kind of output. */
  static final double OUTPUTS = 2e-5;

  /**
   * Training-mode logits: BatchNorm over a batch of two 1x1 pooled maps amplifies float rounding
   * (PyTorch 1.13 in the reference, DJL's PyTorch here); the loss and gradients stay within theirs.
   */
  static final double TRAIN_OUTPUTS = 5e-4;

  static final double LOSS = 1e-5;
  static final double GRADS = 2e-5;

  @TestFactory
  Stream<DynamicTest> cases() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("cases")) {
      tests.add(
          dynamicTest(
              c.get("head").asText() + " seed " + c.get("seed").intValue(), () -> check(c)));
    }
    return tests.stream();
  }

  private static DecodeHead head(NDManager manager, JsonNode c, double dropout) {
    int channels = c.get("channels").intValue();
    int classes = c.get("classes").intValue();
    DecodeHead head =
        c.get("head").asText().equals("linear")
            ? new LinearDecodeHead(manager, channels, classes, 0, 1)
            : new UperNetDecodeHead(
                manager,
                channels,
                c.get("head_channels").intValue(),
                classes,
                List.of(0, 1, 2, 3),
                dropout,
                0.4,
                c.get("aux_index").intValue(),
                1);
    Map<String, float[]> weights = new HashMap<>();
    c.get("weights")
        .fields()
        .forEachRemaining(e -> weights.put(e.getKey(), Reference.floats(e.getValue())));
    assertThat(weights.keySet())
        .containsExactlyInAnyOrderElementsOf(
            concat(head.params().parameters().keySet(), head.params().buffers().keySet()));
    head.params().load(weights);
    return head;
  }

  private static List<String> concat(Iterable<String> a, Iterable<String> b) {
    List<String> out = new ArrayList<>();
    a.forEach(out::add);
    b.forEach(out::add);
    return out;
  }

  private static NDArray array(NDManager m, JsonNode a) {
    int[] s = Reference.shape(a);
    long[] shape = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = s[i];
    }
    return m.create(Reference.floats(a), new Shape(shape));
  }

  private static void close(float[] actual, JsonNode expected, double tolerance, String what) {
    assertThat(Reference.maxAbsDiff(actual, Reference.floats(expected)))
        .as(what)
        .isLessThan(tolerance);
  }

  private static void check(JsonNode c) {
    boolean linear = c.get("head").asText().equals("linear");
    float[] lab = Reference.floats(c.get("labels"));
    int[] labels = new int[lab.length];
    for (int i = 0; i < lab.length; i++) {
      labels[i] = (int) lab[i];
    }
    int[] ls = Reference.shape(c.get("labels"));
    try (NDManager manager = NDManager.newBaseManager()) {
      try (DecodeHead head = head(manager, c, 0.1);
          NDManager step = manager.newSubManager()) {
        head.params().lendTo(step);
        List<NDArray> blocks = new ArrayList<>();
        c.get("blocks").forEach(b -> blocks.add(array(step, b)));
        JsonNode eval = c.get("eval");
        if (!linear) {
          UperNetDecodeHead uper = (UperNetDecodeHead) head;
          List<NDArray> levels = uper.pyramid(blocks);
          Iterator<JsonNode> expected = eval.get("pyramid").iterator();
          for (NDArray level : levels) {
            close(level.toFloatArray(), expected.next(), OUTPUTS, "pyramid level");
          }
          NDArray aux = uper.auxiliaryLogits(levels, false, null);
          close(aux.toFloatArray(), eval.get("aux_logits"), OUTPUTS, "aux logits");
          NDArray auxLoss =
              SegmentationLoss.of(new DecodeHead.Outputs(aux, List.of()), labels, ls[2], ls[3]);
          assertThat((double) auxLoss.getFloat() * 0.4)
              .isCloseTo(eval.get("aux_loss").doubleValue(), within(LOSS));
        }
        DecodeHead.Outputs out = head.forward(blocks, false, new SplittableRandom(0));
        close(out.logits().toFloatArray(), eval.get("logits"), OUTPUTS, "eval logits");
        NDArray loss = SegmentationLoss.of(out, labels, ls[2], ls[3]);
        assertThat((double) loss.getFloat())
            .isCloseTo(eval.get("loss").doubleValue(), within(LOSS));
      }
      JsonNode train = c.get("train");
      try (DecodeHead head = head(manager, c, 0.0)) {
        try (NDManager step = manager.newSubManager()) {
          head.params().lendTo(step);
          List<NDArray> blocks = new ArrayList<>();
          c.get("blocks").forEach(b -> blocks.add(array(step, b)));
          NDArray loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            DecodeHead.Outputs out = head.forward(blocks, true, new SplittableRandom(0));
            close(out.logits().toFloatArray(), train.get("logits"), TRAIN_OUTPUTS, "train logits");
            loss = SegmentationLoss.of(out, labels, ls[2], ls[3]);
            gc.backward(loss);
          }
          assertThat((double) loss.getFloat())
              .isCloseTo(train.get("loss").doubleValue(), within(LOSS));
          JsonNode grads = train.get("grads");
          assertThat(grads.size()).isEqualTo(head.params().parameters().size());
          for (Map.Entry<String, NDArray> p : head.params().parameters().entrySet()) {
            close(
                p.getValue().getGradient().toFloatArray(),
                grads.get(p.getKey()),
                GRADS,
                "grad " + p.getKey());
          }
        }
        train
            .get("running")
            .fields()
            .forEachRemaining(
                e ->
                    close(
                        head.params().buffers().get(e.getKey()).toFloatArray(),
                        e.getValue(),
                        OUTPUTS,
                        e.getKey()));
      }
    }
  }
}
