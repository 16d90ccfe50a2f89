package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.vleval.model.internvl.config.InternVitConfig;
import org.junit.jupiter.api.Test;

/**
 * InternViT is a trainable DJL block: a training forward (with drop path) back-propagates into
 * every weight.
 */
class InternVitTrainingTest {

  @Test
  void gradientsReachEveryWeight() {
    InternVitConfig config =
        InternVitConfig.preset("tiny").toBuilder()
            .imageSize(64)
            .dropPathRate(0.1)
            .dropout(0.1)
            .build();
    try (InternVit vit = InternVit.random(config, 5);
        NDManager batch = vit.manager().newSubManager()) {
      // a resized grid, so the interpolation is differentiated too; 8 samples, so that drop path (p
      // up to 0.1
      // per sample and branch) cannot drop a whole branch for the batch (it did, rarely, with 2),
      // and a
      // seeded engine so the test is the same every run
      Engine.getInstance().setRandomSeed(5);
      Shape input = new Shape(8, 3, 96, 64);
      vit.initialize(vit.manager(), DataType.FLOAT32, input);
      assertThat(vit.getOutputShapes(new Shape[] {input})[2]).isEqualTo(new Shape(8, 64, 6, 4));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDList out =
            vit.forward(
                new ParameterStore(batch, false), new NDList(batch.randomNormal(input)), true);
        gc.backward(out.get(1).square().mean());
      }
      for (var e : vit.weights().entrySet()) {
        NDArray grad = e.getValue().getGradient();
        grad.attach(batch);
        assertThat(grad.abs().sum().getFloat()).as(e.getKey()).isGreaterThan(0f);
      }
    }
  }
}
