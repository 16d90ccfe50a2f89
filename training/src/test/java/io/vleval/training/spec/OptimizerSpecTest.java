package io.vleval.training.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** AdamW's settings: defaults and the vision tower's own learning rate. */
class OptimizerSpecTest {

  @Test
  void everyWeightTakesTheLearningRateUnlessTheVisionTowerHasItsOwn() {
    OptimizerSpec one = new OptimizerSpec(1e-3, null, null, null);
    assertThat(one.lrFactor("vision_model.encoder.layers.0.attn.qkv.weight")).isEqualTo(1.0);
    assertThat(one.lrFactor("language_model.layers.0.wqkv")).isEqualTo(1.0);

    OptimizerSpec split = new OptimizerSpec(1e-3, null, null, 0.0, 2.5e-4);
    assertThat(split.lrFactor("vision_model.embeddings.patch_embedding.weight")).isEqualTo(0.25);
    assertThat(split.lrFactor("mlp1.1.weight")).isEqualTo(1.0);
    assertThat(split.lrFactor("language_model.output")).isEqualTo(1.0);

    assertThatThrownBy(() -> new OptimizerSpec(1e-3, null, null, null, 0.0))
        .hasMessageContaining("'vision_lr' must be positive");
    assertThat(OptimizerSpec.defaults().visionLr()).isNull();
  }
}
