package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.DropPathMasks;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.ParityMath;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.model.internvl.vision.CheckpointLayout;
import io.vleval.model.internvl.vision.InternVit;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code TrainableBackbone} of the {@code internvl} model against InternVL's segmentation code
 * and timm's {@code DropPath} ({@code src/test/resources/trainable-backbone}, made by {@code
 * src/test/fixture-gen/trainable_backbone.py}): a training pass with the reference's drop-path
 * masks (block outputs, loss, and the gradients with respect to the pixels and every parameter) and
 * an inference pass, after the reference's position-table resize; the layer-wise decay groups of
 * its optimizer constructor; the drop probability of every block.
 */
class TrainableBackboneParityTest {

  /** Float32 sums over a few hundred terms in a different order: well within this. */
  private static final double TOLERANCE = 1e-4;

  @TempDir Path temp;

  static Path resource(String name) {
    try {
      return Path.of(
          TrainableBackboneParityTest.class.getResource("/trainable-backbone/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTrainingPassWithTheReferenceMasksGivesItsOutputsAndGradients() {
    Path dir = resource("drop-path");
    Map<String, Double> errors = new TreeMap<>();
    InternVlSpec spec = new InternVlSpec(dir, null, "cpu", null, null, null, null, null);
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1));
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
      Map<String, String> meta = in.metadata();
      int side = Integer.parseInt(meta.get("image_size"));
      List<Integer> blocks =
          Arrays.stream(meta.get("blocks").split(",")).map(Integer::valueOf).toList();
      double rate = Double.parseDouble(meta.get("drop_path_rate"));
      double[] blockRates =
          Arrays.stream(meta.get("block_rates").split(","))
              .mapToDouble(Double::parseDouble)
              .toArray();
      Set<String> asked = new HashSet<>();
      DropPathMasks recorded =
          (block, branch, samples, keep) -> {
            String key = "keep.block_" + block + "." + branch.name().toLowerCase(Locale.ROOT);
            assertThat(asked.add(key)).as("asked once: " + key).isTrue();
            assertThat(keep).as(key + " keep probability").isEqualTo(1 - blockRates[block]);
            long[] flags = in.longs(key);
            assertThat(flags).hasSize(samples);
            boolean[] out = new boolean[samples];
            for (int i = 0; i < samples; i++) {
              out[i] = flags[i] != 0;
            }
            return out;
          };

      TrainableBackbone backbone = model.require(TrainableBackbone.class);
      try (BackboneCopy copy = backbone.copy(side);
          NDManager batch = copy.manager().newSubManager()) {
        assertThat(copy.shape().inputSize()).isEqualTo(side);
        NDArray pixels = in.toNDArray("pixel_values", batch);
        pixels.setRequiresGradient(true);
        ParameterStore ps = new ParameterStore(batch, false);
        List<NDArray> train;
        NDArray loss;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          train = copy.forward(ps, pixels, blocks, true, new DropPath(rate, recorded));
          loss = null;
          for (int k = 0; k < blocks.size(); k++) {
            NDArray w = in.toNDArray("loss_weight.block_" + blocks.get(k), batch);
            NDArray term = train.get(k).mul(w).sum();
            loss = loss == null ? term : loss.add(term);
          }
          gc.backward(loss);
        }
        Set<String> drawn = new HashSet<>();
        for (String k : in.keys()) {
          if (k.startsWith("keep.")) {
            drawn.add(k);
          }
        }
        assertThat(asked).as("masks asked for").isEqualTo(drawn);

        Map<String, NDArray> actual = new LinkedHashMap<>();
        actual.put("loss", loss.reshape(1));
        for (int k = 0; k < blocks.size(); k++) {
          actual.put("train.block_" + blocks.get(k), train.get(k));
        }
        actual.put("grad.pixel_values", own(pixels.getGradient(), batch));
        Map<String, BackboneParameter> params = new LinkedHashMap<>();
        copy.parameters().forEach(p -> params.put(p.name(), p));
        for (String key : expected.keys()) {
          if (key.startsWith("grad.") && !key.equals("grad.pixel_values")) {
            String canonical = CheckpointLayout.TIMM.toCanonical(key.substring("grad.".length()));
            BackboneParameter p = params.remove(canonical);
            assertThat(p).as("parameter for " + key).isNotNull();
            actual.put(key, own(p.parameter().getArray().getGradient(), batch));
          }
        }
        assertThat(params).as("parameters without a reference gradient").isEmpty();

        // inference: drop path off, the masks never asked
        DropPathMasks never =
            (block, branch, samples, keep) -> {
              throw new AssertionError("an inference pass drew a mask");
            };
        List<NDArray> eval = copy.forward(ps, pixels, blocks, false, new DropPath(rate, never));
        for (int k = 0; k < blocks.size(); k++) {
          actual.put("eval.block_" + blocks.get(k), eval.get(k));
        }

        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keys());
        for (Map.Entry<String, NDArray> e : actual.entrySet()) {
          String key = e.getKey();
          assertThat(e.getValue().getShape().getShape())
              .as(key + " shape")
              .containsExactly(expected.info(key).shape());
          errors.put(
              key, ParityMath.maxAbsError(e.getValue().toFloatArray(), expected.floats(key)));
        }
      }
    }
    ParityMath.report("trainable_backbone_drop_path", errors);
    assertThat(errors).allSatisfy((k, e) -> assertThat(e).as(k).isLessThanOrEqualTo(TOLERANCE));
  }

  @Test
  void layerIdsLearningRatesAndWeightDecayAreTheReferenceConstructors() throws IOException {
    JsonNode root = new ObjectMapper().readTree(resource("layer-decay.json").toFile());
    JsonNode bb = root.path("backbone");
    int width = bb.path("embed_dim").asInt();
    InternVitConfig config =
        InternVitConfig.builder()
            .hiddenSize(width)
            .numAttentionHeads(bb.path("num_heads").asInt())
            .intermediateSize(width * bb.path("mlp_ratio").asInt())
            .numHiddenLayers(bb.path("depth").asInt())
            .patchSize(bb.path("patch_size").asInt())
            .imageSize(bb.path("img_size").asInt())
            .qkvBias(bb.path("qkv_bias").asBoolean())
            .qkNormalization(bb.path("qk_normalization").asBoolean())
            .build();
    LayerDecay decay =
        new LayerDecay(root.path("layer_decay_rate").asDouble(), root.path("num_layers").asInt());
    double lr = root.path("lr").asDouble();
    double scaleError = 0;
    double lrError = 0;
    int backboneParameters = 0;
    try (InternVit vit = InternVit.random(config, 3);
        BackboneCopy copy =
            new InternVitBackbone(vit, config.imageSize()).copy(config.imageSize())) {
      assertThat(decay.depth()).isEqualTo(copy.shape().depth());
      Map<String, BackboneParameter> byName = new LinkedHashMap<>();
      copy.parameters().forEach(p -> byName.put(p.name(), p));
      for (JsonNode p : root.path("parameters")) {
        String name = p.path("name").asText();
        long[] shape = new long[p.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = p.path("shape").get(i).asLong();
        }
        BackboneParameter ours =
            name.startsWith("backbone.")
                ? byName.remove(
                    CheckpointLayout.TIMM.toCanonical(name.substring("backbone.".length())))
                : null;
        int layerId;
        boolean decays;
        if (ours != null) {
          backboneParameters++;
          assertThat(ours.parameter().getArray().getShape().getShape())
              .as(name)
              .containsExactly(shape);
          layerId = ours.layerId();
          decays = ours.weightDecay();
        } else {
          // the FPN and the heads: the task's parameters, in the last layer
          assertThat(name).doesNotStartWith("backbone.blocks.");
          layerId = decay.head();
          decays = LayerDecay.appliesWeightDecay(name, new Shape(shape));
        }
        assertThat(layerId).as(name + " layer id").isEqualTo(p.path("layer_id").asInt());
        assertThat(decays)
            .as(name + " weight decay")
            .isEqualTo(p.path("weight_decay").asDouble() > 0);
        scaleError =
            Math.max(scaleError, Math.abs(decay.lrScale(layerId) - p.path("lr_scale").asDouble()));
        lrError =
            Math.max(lrError, Math.abs(lr * decay.lrScale(layerId) - p.path("lr").asDouble()));
      }
      assertThat(byName).as("backbone parameters the reference does not know").isEmpty();
    }
    assertThat(backboneParameters).isEqualTo(config.parameterShapes().size());
    ParityMath.report(
        "trainable_backbone_layer_decay", Map.of("lr_scale", scaleError, "lr", lrError));
    assertThat(scaleError).isLessThanOrEqualTo(1e-15);
    assertThat(lrError).isLessThanOrEqualTo(1e-20);
  }

  @Test
  void everyBlockDropsWithTheReferenceProbability() throws IOException {
    JsonNode root = new ObjectMapper().readTree(resource("drop-path-rates.json").toFile());
    double worst = 0;
    List<String> cases = new ArrayList<>();
    for (JsonNode c : root.path("cases")) {
      int depth = c.path("depth").asInt();
      DropPath dp = new DropPath(c.path("drop_path_rate").asDouble(), DropPathMasks.KEEP_ALL);
      JsonNode rates = c.path("block_rates");
      assertThat(rates.size()).isEqualTo(depth);
      for (int i = 0; i < depth; i++) {
        worst = Math.max(worst, Math.abs(dp.blockRate(i, depth) - rates.get(i).asDouble()));
      }
      cases.add(depth + "@" + dp.rate());
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(3);
    ParityMath.report("trainable_backbone_drop_path_rates", Map.of("block_rate", worst));
    assertThat(worst).isLessThanOrEqualTo(1e-7);
  }

  private static NDArray own(NDArray a, NDManager batch) {
    a.attach(batch);
    return a;
  }
}
