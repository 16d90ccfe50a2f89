package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.DropPathMasks;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.vision.InternVit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code TrainableBackbone} capability of the {@code internvl} model: fine-tuning works through
 * it alone, copies are independent of the loaded model, a zero drop-path rate is bitwise the
 * inference pass, drop path is reproducible from its seed, and what it refuses.
 */
class TrainableBackboneTest {

  @TempDir Path temp;

  private Model load(String preset) {
    return new InternVlProvider()
        .load(
            new InternVlSpec(null, preset, "cpu", null, null, null, null, 7L),
            new PluginContext(0, temp, 1));
  }

  @Test
  void aFewAdamWStepsWithLayerDecayLowerTheLossTrainOnlyWhatIsAskedAndLeakNothing() {
    try (Model model = load("tiny")) {
      TrainableBackbone backbone = model.require(TrainableBackbone.class);
      BlockFeatureExtractor blocks = model.require(BlockFeatureExtractor.class);
      RgbImage probe = image(5);
      List<BlockFeatures> before =
          blocks.extract(List.of(probe), ImageView.SQUASH, 64, List.of(1)).get(0);

      // the embeddings and block 0 frozen, block 1 and the head trained
      FineTuningRun.Result r =
          FineTuningRun.run(backbone, 64, 16, 12, p -> p.layerId() <= LayerDecay.block(0), 11);

      System.err.println(
          "LOSSES "
              + r.evalBefore()
              + " -> "
              + r.evalAfter()
              + " "
              + Arrays.toString(r.trainLosses()));
      assertThat(r.evalAfter()).as("loss in inference mode").isLessThan(0.6 * r.evalBefore());
      double firstHalf = Arrays.stream(r.trainLosses(), 0, 6).average().orElseThrow();
      double secondHalf = Arrays.stream(r.trainLosses(), 6, 12).average().orElseThrow();
      assertThat(secondHalf).as("training loss").isLessThan(firstHalf);
      assertThat(r.frozenUnchanged()).as("frozen parameters unchanged").isTrue();
      assertThat(r.frozenGradients()).as("frozen parameters with a gradient").isZero();
      assertThat(r.trainedChanged()).as("every trained parameter moved").isTrue();
      assertThat(r.liveArrays()).as("live arrays after each step").containsOnly(r.liveArrays()[0]);
      // the loaded model is the run's, shared by its other tasks: training a copy leaves it alone
      List<BlockFeatures> after =
          blocks.extract(List.of(probe), ImageView.SQUASH, 64, List.of(1)).get(0);
      assertThat(after.get(0).patches().values()).isEqualTo(before.get(0).patches().values());
      assertThat(after.get(0).classToken()).isEqualTo(before.get(0).classToken());
    }
  }

  @Test
  void aZeroRateTrainingPassIsBitwiseTheInferencePassAndTheLoadedModels() {
    InternVitConfig config = InternVitConfig.preset("tiny").toBuilder().imageSize(64).build();
    try (InternVit vit = InternVit.random(config, 3);
        BackboneCopy copy = new InternVitBackbone(vit, 64).copy(64);
        NDManager batch = copy.manager().newSubManager()) {
      NDArray pixels = batch.randomNormal(new Shape(2, 3, 64, 64));
      ParameterStore ps = new ParameterStore(batch, false);
      List<Integer> asked = List.of(1, 0);
      List<NDArray> train = copy.forward(ps, pixels, asked, true, DropPath.seeded(0, 1));
      List<NDArray> infer = copy.forward(ps, pixels, asked, false, DropPath.seeded(0.5, 1));
      List<NDArray> loaded = vit.blockOutputs(pixels, 1, 0);
      for (int k = 0; k < asked.size(); k++) {
        assertThat(train.get(k).toFloatArray()).isEqualTo(infer.get(k).toFloatArray());
        assertThat(train.get(k).toFloatArray()).isEqualTo(loaded.get(k).toFloatArray());
        assertThat(train.get(k).getShape()).isEqualTo(new Shape(2, 17, 64));
      }
    }
  }

  @Test
  void dropPathFollowsItsSeedAndDropsWholeSamples() {
    InternVitConfig config = InternVitConfig.preset("tiny").toBuilder().imageSize(32).build();
    try (InternVit vit = InternVit.random(config, 4);
        BackboneCopy copy = new InternVitBackbone(vit, 32).copy(32);
        NDManager batch = copy.manager().newSubManager()) {
      NDArray pixels = batch.randomNormal(new Shape(8, 3, 32, 32));
      ParameterStore ps = new ParameterStore(batch, false);
      List<Integer> both = List.of(0, 1);
      float[] a =
          copy.forward(ps, pixels, both, true, DropPath.seeded(0.6, 9)).get(1).toFloatArray();
      float[] b =
          copy.forward(ps, pixels, both, true, DropPath.seeded(0.6, 9)).get(1).toFloatArray();
      float[] c =
          copy.forward(ps, pixels, both, true, DropPath.seeded(0.6, 10)).get(1).toFloatArray();
      assertThat(a).isEqualTo(b);
      assertThat(a).isNotEqualTo(c);
      // rate 1: the last block (rate 1) drops both branches of every sample, so it passes its input
      // through; block 0 (rate 0) draws no mask
      List<String> drawn = new ArrayList<>();
      DropPathMasks counting =
          (block, branch, samples, keep) -> {
            drawn.add(block + " " + branch + " " + keep);
            return new boolean[samples];
          };
      List<NDArray> out = copy.forward(ps, pixels, both, true, new DropPath(1.0, counting));
      assertThat(out.get(1).toFloatArray()).isEqualTo(out.get(0).toFloatArray());
      assertThat(drawn).containsExactly("1 ATTENTION 0.0", "1 MLP 0.0");
      // a dropped sample loses its branch, a kept one is scaled by 1 / keep: the residual of the
      // MLP branch of sample 0 alone is dropped
      DropPathMasks sampleZeroLosesItsMlp =
          (block, branch, samples, keep) -> {
            boolean[] k = new boolean[samples];
            Arrays.fill(k, true);
            k[0] = branch != DropPathMasks.Branch.MLP;
            return k;
          };
      List<NDArray> half =
          copy.forward(ps, pixels, both, true, new DropPath(0.5, sampleZeroLosesItsMlp));
      List<NDArray> none = copy.forward(ps, pixels, both, true, DropPath.NONE);
      assertThat(half.get(1).get(0).toFloatArray()).isNotEqualTo(none.get(1).get(0).toFloatArray());
      assertThat(half.get(1).get(1).toFloatArray()).isNotEqualTo(none.get(1).get(1).toFloatArray());
      assertThat(half.get(0).toFloatArray())
          .isEqualTo(none.get(0).toFloatArray()); // block 0: rate 0
    }
  }

  @Test
  void aCopyOwnsItsWeightsWithTheTableResizedToItsSide() {
    InternVitConfig config = InternVitConfig.preset("tiny").toBuilder().imageSize(64).build();
    try (InternVit vit = InternVit.random(config, 5);
        NDManager scratch = vit.manager().newSubManager()) {
      TrainableBackbone backbone = new InternVitBackbone(vit, 64);
      assertThat(backbone.shape()).isEqualTo(new BackboneShape(2, 64, 16, 64));
      assertThat(backbone.pixelMean()).containsExactly(0.485f, 0.456f, 0.406f);
      assertThat(backbone.pixelStd()).containsExactly(0.229f, 0.224f, 0.225f);
      float[] table = vit.weights().get("embeddings.position_embedding").toFloatArray();
      NDArray resized = vit.positionEmbedding(6, 6, scratch);
      try (BackboneCopy copy = backbone.copy(96)) {
        assertThat(copy.shape()).isEqualTo(new BackboneShape(2, 64, 16, 96));
        BackboneParameter pos =
            copy.parameters().stream()
                .filter(p -> p.name().equals("embeddings.position_embedding"))
                .findFirst()
                .orElseThrow();
        assertThat(pos.parameter().getArray().getShape()).isEqualTo(new Shape(1, 37, 64));
        assertThat(pos.parameter().getArray().toFloatArray()).isEqualTo(resized.toFloatArray());
        assertThat(pos.layerId()).isEqualTo(LayerDecay.EMBEDDINGS);
        assertThat(pos.weightDecay()).isTrue(); // as the reference: its name test never matches
        pos.parameter().getArray().muli(0); // training the copy ...
        assertThat(copy.manager().getDevice()).isEqualTo(Device.cpu());
        assertThat(copy.parameters())
            .hasSize(config.parameterShapes().size())
            .allSatisfy(p -> assertThat(p.parameter().getArray().hasGradient()).isTrue());
      }
      // ... leaves the model as it was
      assertThat(vit.weights().get("embeddings.position_embedding").toFloatArray())
          .isEqualTo(table);
    }
  }

  @Test
  void layerIdsAndWeightDecayFollowTheNames() {
    assertThat(InternVitBackbone.layerId("embeddings.patch_embedding.weight")).isZero();
    assertThat(InternVitBackbone.layerId("encoder.layers.0.attn.qkv.weight")).isEqualTo(1);
    assertThat(InternVitBackbone.layerId("encoder.layers.47.ls2")).isEqualTo(48);
    assertThatThrownBy(() -> InternVitBackbone.layerId("clip_projector.q"))
        .hasMessageContaining("not an InternViT parameter");
  }

  @Test
  void refusesASideThePatchDoesNotDivideAndABlockItDoesNotHave() {
    try (Model model = load("tiny")) {
      TrainableBackbone backbone = model.require(TrainableBackbone.class);
      assertThatThrownBy(() -> backbone.copy(50))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("input side 50 is not a positive multiple of the 16 px patch");
      try (BackboneCopy copy = backbone.copy(32);
          NDManager batch = copy.manager().newSubManager()) {
        NDArray pixels = batch.zeros(new Shape(1, 3, 32, 32));
        ParameterStore ps = new ParameterStore(batch, false);
        assertThatThrownBy(() -> copy.forward(ps, pixels, List.of(2), true, DropPath.NONE))
            .hasMessage("block 2 is outside 0..1 of this InternViT");
      }
    }
  }

  @Test
  void offeredByInternVitAndInternVlCgAlsoOnTheirLoadedModels() {
    InternVlProvider p = new InternVlProvider();
    for (String preset : List.of("tiny", "tiny-internvl")) {
      assertThat(p.capabilities(new InternVlSpec(null, preset, null, null, null, null, null, null)))
          .as(preset)
          .contains(TrainableBackbone.class);
    }
    assertThat(
            p.capabilities(new InternVlSpec(null, "tiny-chat", null, null, null, null, null, null)))
        .doesNotContain(TrainableBackbone.class);
    try (Model cg = load("tiny-internvl")) {
      TrainableBackbone backbone = cg.require(TrainableBackbone.class);
      assertThat(backbone.shape())
          .isEqualTo(
              p.backboneShape(
                      new InternVlSpec(null, "tiny-internvl", null, null, null, null, null, null))
                  .orElseThrow());
      FineTuningRun.Result r =
          FineTuningRun.run(backbone, backbone.shape().patchSize() * 4, 8, 6, q -> false, 3);
      assertThat(r.evalAfter()).isLessThan(r.evalBefore());
    }
  }

  private static RgbImage image(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    byte[] rgb = new byte[48 * 40 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) rng.nextInt(256);
    }
    return new RgbImage(48, 40, rgb);
  }
}
