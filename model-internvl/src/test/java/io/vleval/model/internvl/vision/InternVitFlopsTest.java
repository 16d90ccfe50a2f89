package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.NormType;
import org.junit.jupiter.api.Test;

/** The forward's FLOP count, which the benchmark divides a measured GFLOP/s by. */
class InternVitFlopsTest {

  private static InternVitConfig vitB(int patch) {
    return InternVitConfig.builder()
        .hiddenSize(768)
        .numAttentionHeads(12)
        .intermediateSize(3072)
        .numHiddenLayers(12)
        .normType(NormType.LAYER_NORM)
        .qkNormalization(false)
        .qkvBias(true)
        .patchSize(patch)
        .imageSize(224)
        .build();
  }

  /**
   * ViT-B/16 at 224 px is published as 17.6 "GFLOPs" (DeiT-B, Touvron et al. 2021, Table 1; timm
   * lists 17.58 GMACs): those count a multiply-add once, so the count with a multiply-add as two,
   * the unit of a measured {@code 2 n^3 / t}, is twice that.
   */
  @Test
  void vitB16CountsEachMultiplyAddTwice() {
    double flops = InternVit.forwardFlops(vitB(16), 224, 224);
    assertThat(flops / 2 / 1e9).isCloseTo(17.58, within(0.05));
  }

  /**
   * Each extra layer adds its products, and the attention products grow with the square of the
   * tokens: at 448 px (784 patches) a layer costs more than four times its 224 px cost.
   */
  @Test
  void countFollowsLayersAndTokens() {
    InternVitConfig one = vitB(16).toBuilder().numHiddenLayers(1).build();
    InternVitConfig two = vitB(16).toBuilder().numHiddenLayers(2).build();
    double layer224 = InternVit.forwardFlops(two, 224, 224) - InternVit.forwardFlops(one, 224, 224);
    double n = 197;
    double c = 768;
    assertThat(layer224)
        .isCloseTo(
            2 * n * c * 3 * c + 4 * n * n * c + 2 * n * c * c + 4 * n * c * 3072, within(1.0));
    double layer448 = InternVit.forwardFlops(two, 448, 448) - InternVit.forwardFlops(one, 448, 448);
    assertThat(layer448).isGreaterThan(4 * layer224);
  }
}
