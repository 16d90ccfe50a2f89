package io.vleval.tasks.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.tasks.segmentation.SegmentationProvider.Backbone;
import io.vleval.tasks.segmentation.SegmentationProvider.Head;
import io.vleval.tasks.segmentation.SegmentationProvider.Mode;
import io.vleval.tasks.segmentation.SegmentationProvider.Recipe;
import io.vleval.tasks.segmentation.SegmentationProvider.Spec;
import io.vleval.tasks.segmentation.decode.SlideInference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The segmentation protocol's settings: the reference configs' values by default, the few-shot
 * configs' per fraction, the fast variant's own, what each recipe accepts, and what a backbone must
 * offer.
 */
class SegmentationSpecTest {
  private static final BackboneShape INTERNVIT_6B = new BackboneShape(48, 3200, 14, 224);

  private static Spec spec(
      Recipe recipe,
      Head head,
      Integer block,
      List<Integer> blocks,
      Integer crop,
      String fraction) {
    return spec(recipe, head, block, blocks, crop, fraction, null);
  }

  private static Spec spec(
      Recipe recipe,
      Head head,
      Integer block,
      List<Integer> blocks,
      Integer crop,
      String fraction,
      Backbone backbone) {
    return new Spec(
        recipe, head, block, blocks, null, crop, null, null, null, null, null, null, null, fraction,
        backbone, null, null, null, null, null);
  }

  private static Spec defaults() {
    return spec(null, null, null, null, null, null);
  }

  @Test
  void theDefaultIsTheReferenceLinearProbe() {
    Spec s = defaults();
    assertThat(s.recipe()).isEqualTo(Recipe.REFERENCE);
    assertThat(s.head()).isEqualTo(Head.LINEAR);
    assertThat(s.protocol()).isEqualTo("reference");
    assertThat(s.iterations()).isEqualTo(80_000);
    assertThat(s.batchSize()).isEqualTo(16);
    assertThat(s.learningRate()).isEqualTo(4e-5);
    assertThat(s.weightDecay()).isZero();
    assertThat(s.warmupIterations()).isEqualTo(1500);
    assertThat(s.headBlocks(48)).containsExactly(44);
    int crop = s.crop(14);
    assertThat(crop).isEqualTo(504);
    assertThat(s.scale(crop)).containsExactly(2016, 504);
    assertThat(s.stride(crop)).isEqualTo(322);
    assertThat(new SegmentationProvider().checkBackbone(s, INTERNVIT_6B)).isEmpty();
  }

  @Test
  void headTuningReadsTheLastBlockOfEachQuarterWithWeightDecay() {
    Spec s = spec(null, Head.UPERNET, null, null, null, null);
    assertThat(s.headBlocks(48)).containsExactly(11, 23, 35, 47);
    assertThat(s.headBlocks(2)).containsExactly(0, 0, 1, 1);
    assertThat(s.headChannels()).isEqualTo(1536);
    assertThat(s.weightDecay()).isEqualTo(0.05);
    assertThat(s.protocol()).isEqualTo("reference");
  }

  @Test
  void fullTuningTrainsTheBackboneUnderUperNetWithItsAuxiliaryHeadOnLevelTwo() {
    Spec s = spec(null, Head.UPERNET, null, null, null, null, Backbone.TRAINABLE);
    assertThat(s.protocol()).isEqualTo("reference");
    assertThat(s.trainsBackbone()).isTrue();
    assertThat(s.headBlocks(48)).containsExactly(11, 23, 35, 47);
    assertThat(s.auxiliaryLevel()).isEqualTo(2);
    assertThat(s.learningRate()).isEqualTo(4e-5);
    assertThat(s.weightDecay()).isEqualTo(0.05);
    assertThat(s.layerDecayRate()).isEqualTo(0.95);
    assertThat(s.dropPathRate()).isEqualTo(0.4);
    assertThat(s.iterations()).isEqualTo(80_000);
    assertThat(s.warmupIterations()).isEqualTo(1500);
    assertThat(s.crop(14)).isEqualTo(504);
    SegmentationProvider p = new SegmentationProvider();
    assertThat(p.requiredCapabilities(s)).containsExactly(TrainableBackbone.class);
    assertThat(p.create(s).version()).isEqualTo("3");
    // head tuning reads level 1 and the loaded model's blocks
    Spec frozen = spec(null, Head.UPERNET, null, null, null, null);
    assertThat(frozen.auxiliaryLevel()).isEqualTo(1);
    assertThat(p.requiredCapabilities(frozen)).containsExactly(BlockFeatureExtractor.class);
    assertThat(p.create(frozen).version()).isEqualTo("2");
    assertThat(p.checkBackbone(s, new BackboneShape(2, 64, 14, 56))).isEmpty();
    assertThat(p.checkBackbone(s, INTERNVIT_6B)).isEmpty();
    // a trainable backbone under the linear head reads the last block, as the few-shot configs
    assertThat(spec(null, null, null, null, null, null, Backbone.TRAINABLE).headBlocks(48))
        .containsExactly(47);
  }

  @Test
  void layerDecayAndDropPathBelongToATrainableBackbone() {
    assertThatThrownBy(
            () ->
                new Spec(
                    null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, 0.9, null, null, null, null))
        .hasMessage("layer_decay_rate applies to backbone trainable only");
    assertThatThrownBy(
            () ->
                new Spec(
                    null,
                    Head.UPERNET,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Backbone.FROZEN,
                    null,
                    0.2,
                    null,
                    null,
                    null))
        .hasMessage("drop_path_rate applies to backbone trainable only");
    assertThatThrownBy(
            () -> spec(Recipe.PATCH_PROBE, null, null, null, null, null, Backbone.TRAINABLE))
        .hasMessage("backbone applies to recipe reference only");
    assertThatThrownBy(
            () ->
                new Spec(
                    null,
                    Head.UPERNET,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Backbone.TRAINABLE,
                    0.0,
                    null,
                    null,
                    null,
                    null))
        .hasMessage("layer_decay_rate must be in (0, 1], got 0.0");
    assertThatThrownBy(
            () ->
                new Spec(
                    null,
                    Head.UPERNET,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Backbone.TRAINABLE,
                    null,
                    1.0,
                    null,
                    null,
                    null))
        .hasMessage("drop_path_rate must be in [0, 1), got 1.0");
  }

  @Test
  void smallerBackbonesReadTheFourthBlockFromTheEndOrTheFirst() {
    assertThat(defaults().headBlocks(12)).containsExactly(8);
    assertThat(defaults().headBlocks(2)).containsExactly(0);
    assertThat(spec(null, null, -1, null, null, null).headBlocks(48)).containsExactly(47);
    assertThat(defaults().crop(16)).isEqualTo(576);
  }

  @Test
  void eachFewShotFractionTakesItsConfigsIterationsOnTheLastBlock() {
    int[][] expected = {{16, 5_000, 100}, {8, 10_000, 200}, {4, 20_000, 400}, {2, 40_000, 800}};
    for (int[] e : expected) {
      Spec s = spec(null, null, null, null, null, "1/" + e[0]);
      assertThat(s.iterations()).isEqualTo(e[1]);
      assertThat(s.warmupIterations()).isEqualTo(e[2]);
      assertThat(s.weightDecay()).isEqualTo(0.05);
      assertThat(s.headBlocks(48)).containsExactly(47);
      // the reference's few-shot rows fine-tune the backbone
      assertThat(s.backbone()).isEqualTo(Backbone.TRAINABLE);
      assertThat(s.layerDecayRate()).isEqualTo(0.95);
      assertThat(s.dropPathRate()).isEqualTo(0.4);
      assertThat(s.protocol()).isEqualTo("reference");
      Spec frozen = spec(null, null, null, null, null, "1/" + e[0], Backbone.FROZEN);
      assertThat(frozen.protocol()).isEqualTo("frozen-backbone-few-shot");
      assertThat(frozen.iterations()).isEqualTo(e[1]);
      assertThat(frozen.headBlocks(48)).containsExactly(47);
      assertThat(frozen.layerDecayRate()).isNull();
    }
    assertThat(spec(null, null, null, null, null, "1/1").iterations()).isEqualTo(80_000);
    assertThatThrownBy(() -> spec(null, null, null, null, null, "1/3"))
        .hasMessage("fraction must be one of 1/16, 1/8, 1/4, 1/2, 1/1, got '1/3'");
    assertThatThrownBy(() -> spec(null, Head.UPERNET, null, null, null, "1/4"))
        .hasMessageStartingWith("fraction applies to head linear");
  }

  @Test
  void theFastVariantKeepsItsOwnDefaultsAndRefusesTheReferenceKeys() {
    Spec s = spec(Recipe.PATCH_PROBE, null, null, null, null, null);
    assertThat(s.protocol()).isEqualTo("patch-probe");
    assertThat(s.mode()).isEqualTo(Mode.WHOLE);
    assertThat(s.epochs()).isEqualTo(20);
    assertThat(s.batchSize()).isEqualTo(1024);
    assertThat(s.learningRate()).isEqualTo(0.1);
    assertThat(s.iterations()).isNull();
    assertThatThrownBy(() -> spec(Recipe.PATCH_PROBE, Head.UPERNET, null, null, null, null))
        .hasMessage("head applies to recipe reference only");
    assertThatThrownBy(
            () ->
                new Spec(
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    Mode.SLIDE,
                    null,
                    null))
        .hasMessage("mode applies to recipe patch-probe only");
  }

  @Test
  void theBackboneMustHaveTheBlocksAndWholePatches() {
    SegmentationProvider p = new SegmentationProvider();
    BackboneShape tiny = new BackboneShape(2, 64, 14, 56);
    assertThat(p.checkBackbone(spec(null, null, 44, null, null, null), tiny))
        .containsExactly("it reads block 44, but the backbone has 2 blocks; allowed 0 to 1");
    assertThat(p.checkBackbone(spec(null, null, -3, null, null, null), tiny))
        .containsExactly(
            "it reads block -3, but the backbone has 2 blocks; allowed 0 to 1 (or -2 to -1 from the"
                + " end)");
    assertThat(
            p.checkBackbone(spec(null, Head.UPERNET, null, List.of(0, 1, 2, 1), null, null), tiny))
        .containsExactly("it reads block 2, but the backbone has 2 blocks; allowed 0 to 1");
    assertThat(p.checkBackbone(spec(null, null, null, null, 500, null), INTERNVIT_6B))
        .containsExactly(
            "its crop_size 500 is not a multiple of the backbone's 14 px patch; use 490 or 504");
    assertThat(p.checkBackbone(defaults(), tiny)).isEmpty();
    assertThat(p.checkBackbone(spec(Recipe.PATCH_PROBE, null, null, null, null, null), tiny))
        .isEmpty();
  }

  @Test
  void theFewShotSubsetIsAShareDrawnWithTheSeed() {
    List<SegmentationPair> pairs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pairs.add(new SegmentationPair("p" + i, null, null));
    }
    SegmentationProvider.FewShot quarter = SegmentationProvider.FEW_SHOT.get("1/4");
    List<SegmentationPair> a = ReferenceProtocol.subset(pairs, quarter, 7);
    assertThat(a).hasSize(10).doesNotHaveDuplicates();
    assertThat(ReferenceProtocol.subset(pairs, quarter, 7)).isEqualTo(a);
    assertThat(ReferenceProtocol.subset(pairs, quarter, 8)).isNotEqualTo(a);
    assertThat(ReferenceProtocol.subset(pairs, SegmentationProvider.FEW_SHOT.get("1/1"), 7))
        .isEqualTo(pairs);
  }

  @Test
  void slidingWindowsEndFlushWithTheImageAsMmsegPlacesThem() {
    SlideInference s = new SlideInference(504, 322, 2016, 504, true, 14, 4);
    assertThat(s.starts(686)).containsExactly(0, 182);
    assertThat(s.starts(504)).containsExactly(0);
    assertThat(s.starts(1400)).containsExactly(0, 322, 644, 896);
  }
}
