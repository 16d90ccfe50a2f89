package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.config.InternVitConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every array of a forward pass is released with its batch: the engine's live-array count stays
 * flat.
 */
class InternVitMemoryTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT32", "FLOAT16"})
  void liveArrayCountStaysFlatOverAHundredBatches(DataType type) {
    // float16 once leaked one array a batch: the cast of the position table's view stayed in the
    // model
    try (NDManager probe = NDManager.newBaseManager();
        InternVit vit = InternVit.random(InternVitConfig.preset("tiny"), 3, Device.cpu(), type)) {
      NDManager engine =
          probe.getParentManager(); // the engine's root manager sees every live array
      int weights = vit.config().parameterShapes().size();
      assertThat(vit.manager().getManagedArrays()).hasSize(weights);
      int before = engine.getManagedArrays().size();
      for (int i = 0; i < 100; i++) {
        // alternate the native grid and a resized one (position-embedding interpolation path)
        int side = i % 2 == 0 ? 224 : 64;
        try (NDManager batch = vit.manager().newSubManager()) {
          NDArray pixels = batch.randomNormal(new Shape(1, 3, side, side));
          VisionOutput out = vit.forward(pixels, i % 10 == 0);
          assertThat(out.pooled().getShape()).isEqualTo(new Shape(1, 64));
          assertThat(out.denseFeatures().getShape())
              .isEqualTo(new Shape(1, 64, side / 16, side / 16));
          assertThat(batch.getManagedArrays()).isNotEmpty();
        }
        if (i % 25 == 24) {
          vit.forward(new float[1][3 * 32 * 48], 32, 48);
        }
        assertThat(engine.getManagedArrays()).as("live arrays after batch %d", i).hasSize(before);
      }
      assertThat(vit.manager().getManagedArrays()).hasSize(weights);
    }
  }
}
