package io.vleval.model.internvl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternVitConfigTest {

  @TempDir Path tmp;

  private Path json(String body) throws Exception {
    Path p = tmp.resolve("config.json");
    Files.writeString(p, body);
    return p;
  }

  @Test
  void readsReferenceFieldsAndToleratesUnknownOnes() throws Exception {
    InternVitConfig c =
        InternVitConfig.fromJson(
            json(
                "{\"architectures\":[\"InternVisionModel\"],\"hidden_size\":64,"
                    + "\"num_attention_heads\":4,\"intermediate_size\":256,\"num_hidden_layers\":2,\"patch_size\":14,"
                    + "\"image_size\":56,\"norm_type\":\"layer_norm\",\"qkv_bias\":true,\"qk_normalization\":false,"
                    + "\"model_type\":\"intern_vit_6b\",\"use_flash_attn\":true,\"torch_dtype\":\"bfloat16\",\"something_new\":[1]}"));
    assertThat(c.hiddenSize()).isEqualTo(64);
    assertThat(c.headDim()).isEqualTo(16);
    assertThat(c.normType()).isEqualTo(NormType.LAYER_NORM);
    assertThat(c.qkvBias()).isTrue();
    assertThat(c.numPositions()).isEqualTo(17);
    assertThat(c.layerNormEps()).isEqualTo(1e-6);
  }

  @Test
  void readsTheVisionPartOfACompositeConfig() throws Exception {
    InternVitConfig c =
        InternVitConfig.fromJson(
            json(
                "{\"model_type\":\"internvl_chat\",\"vision_config\":"
                    + "{\"hidden_size\":128,\"num_attention_heads\":2,\"num_hidden_layers\":1,\"intermediate_size\":8}}"));
    assertThat(c.hiddenSize()).isEqualTo(128);
    assertThat(c.numHiddenLayers()).isEqualTo(1);
  }

  @Test
  void refusesInconsistentFieldsNamingEachOne() throws Exception {
    assertThatThrownBy(
            () ->
                InternVitConfig.fromJson(
                    json(
                        "{\"hidden_size\":100,\"num_attention_heads\":3,"
                            + "\"image_size\":50,\"patch_size\":14,\"norm_type\":\"batch_norm\",\"hidden_act\":\"gelu_new\","
                            + "\"num_hidden_layers\":\"two\"}")))
        .isInstanceOf(InternVitConfigException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining(
            "field 'hidden_size' = 100 is not divisible by num_attention_heads = 3")
        .hasMessageContaining("field 'image_size' = 50")
        .hasMessageContaining("field 'norm_type' = 'batch_norm'")
        .hasMessageContaining("field 'hidden_act' = 'gelu_new'")
        .hasMessageContaining("field 'num_hidden_layers' = \"two\"; expected an integer")
        .satisfies(e -> assertThat(((InternVitConfigException) e).problems()).hasSize(5));
    assertThatThrownBy(() -> InternVitConfig.builder().layerNormEps(0).dropPathRate(1.5).build())
        .hasMessageContaining("layer_norm_eps")
        .hasMessageContaining("drop_path_rate");
    assertThatThrownBy(() -> InternVitConfig.fromJson(json("{\"model_type\":\"llama\"}")))
        .hasMessageContaining("field 'model_type' = 'llama'");
  }

  @Test
  void presetsMatchPublishedParameterCounts() {
    assertThat(InternVitConfig.presetNames())
        .containsExactly(
            "tiny", "internvit-300m-448px", "internvit-6b-224px", "internvit-6b-448px");
    // published sizes: InternViT-6B 5.9B (paper), 6B-448px-V1-5 5.54B and 300M-448px 0.30B (model
    // cards)
    assertThat(InternVitConfig.preset("internvit-6b-224px").parameterCount() / 1e9)
        .isCloseTo(5.90, within(0.01));
    assertThat(InternVitConfig.preset("internvit-6b-448px").parameterCount() / 1e9)
        .isCloseTo(5.54, within(0.01));
    assertThat(InternVitConfig.preset("internvit-300m-448px").parameterCount() / 1e6)
        .isCloseTo(304.0, within(1.0));
    assertThat(InternVitConfig.preset("internvit-6b-224px").parameterShapes().size())
        .isEqualTo(4 + 48 * 13);
    assertThat(InternVitConfig.preset("internvit-6b-224px").parameterShapes())
        .containsEntry("embeddings.position_embedding", new long[] {1, 257, 3200})
        .containsEntry("encoder.layers.47.attn.qkv.weight", new long[] {9600, 3200})
        .containsEntry("encoder.layers.0.attn.q_norm.weight", new long[] {3200})
        .containsEntry("encoder.layers.0.mlp.fc1.weight", new long[] {12800, 3200});
    assertThat(InternVitConfig.preset("internvit-300m-448px").parameterShapes())
        .containsEntry("embeddings.position_embedding", new long[] {1, 1025, 1024})
        .containsEntry("encoder.layers.0.attn.qkv.bias", new long[] {3072})
        .containsEntry("encoder.layers.0.norm1.bias", new long[] {1024})
        .doesNotContainKey("encoder.layers.0.attn.q_norm.weight");
    InternVitConfig tiny = InternVitConfig.preset("tiny");
    assertThat(tiny.hiddenSize()).isBetween(64, 128);
    assertThat(tiny.imageSize()).isLessThanOrEqualTo(224);
    assertThatThrownBy(() -> InternVitConfig.preset("vit-huge"))
        .hasMessageContaining("expected one of [tiny");
  }
}
