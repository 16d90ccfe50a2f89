package io.vleval.api.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Layer ids, learning-rate scales and the weight-decay rule. */
class LayerDecayTest {

  @Test
  void theHeadTrainsAtTheFullRateAndEachLayerBelowAtRateTimesTheOneAbove() {
    LayerDecay d = new LayerDecay(0.95, 48);
    assertThat(d.head()).isEqualTo(49);
    assertThat(LayerDecay.block(0)).isEqualTo(1);
    assertThat(LayerDecay.block(47)).isEqualTo(48);
    assertThat(d.lrScale(d.head())).isEqualTo(1.0);
    assertThat(d.lrScale(LayerDecay.block(47))).isCloseTo(0.95, within(1e-15));
    assertThat(d.lrScale(LayerDecay.EMBEDDINGS)).isCloseTo(Math.pow(0.95, 49), within(1e-15));
    for (int l = 1; l <= d.head(); l++) {
      assertThat(d.lrScale(l - 1) / d.lrScale(l)).isCloseTo(0.95, within(1e-12));
    }
    assertThat(new LayerDecay(1.0, 3).lrScale(0)).isEqualTo(1.0);
  }

  @Test
  void noWeightDecayForVectorsAndBiases() {
    assertThat(LayerDecay.appliesWeightDecay("encoder.layers.0.attn.qkv.weight", new Shape(9, 3)))
        .isTrue();
    assertThat(LayerDecay.appliesWeightDecay("embeddings.class_embedding", new Shape(1, 1, 3)))
        .isTrue();
    assertThat(LayerDecay.appliesWeightDecay("encoder.layers.0.ls1", new Shape(3))).isFalse();
    assertThat(LayerDecay.appliesWeightDecay("head.conv.bias", new Shape(3))).isFalse();
    assertThat(LayerDecay.appliesWeightDecay("head.odd.bias", new Shape(3, 3))).isFalse();
  }

  @Test
  void refusesRatesAndLayersOutsideTheirRange() {
    assertThatThrownBy(() -> new LayerDecay(0, 4)).hasMessageContaining("outside (0, 1]");
    assertThatThrownBy(() -> new LayerDecay(0.9, 0)).hasMessageContaining("depth 0");
    assertThatThrownBy(() -> new LayerDecay(0.9, 4).lrScale(6))
        .hasMessageContaining("layer id 6 is outside 0..5");
  }
}
