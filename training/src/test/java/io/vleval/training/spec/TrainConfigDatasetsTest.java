package io.vleval.training.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe's {@code datasets:} section is bound exactly as a run config's. */
class TrainConfigDatasetsTest {

  private static final String STAGES =
      """
      stages:
        - {name: s1, kind: contrastive, model: {preset: tiny-internvl}, steps: 1, data: {captions: captions}}
      """;

  @Test
  void bindsNamedDatasetsThroughTheRegistry(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("recipe.yaml");
    Files.writeString(
        file,
        """
        datasets:
          - {name: shapes, type: synthetic, part: classification-train}
          - {name: captions, type: synthetic, part: captions-train, language: zh}
        """
            + STAGES);
    TrainSpec spec = TrainConfigLoader.load(file);
    assertThat(spec.datasets()).extracting(d -> d.name()).containsExactly("shapes", "captions");
    assertThat(spec.dataset("captions").type()).isEqualTo("synthetic");
  }

  @Test
  void reportsAnUnknownLoaderKeyAndADuplicateNameWithTheirPlaces(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("recipe.yaml");
    Files.writeString(
        file,
        """
        datasets:
          - {name: shapes, type: synthetic, part: classification-train}
          - {name: shapes, type: synthetic, part: captions-train}
          - {name: more, type: synthetic, part: captions-train, colour: red}
        """
            + STAGES);
    assertThatThrownBy(() -> TrainConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("recipe.yaml:3:")
        .hasMessageContaining("a second dataset is named 'shapes'")
        .hasMessageContaining("recipe.yaml:4:")
        .hasMessageContaining("unknown key 'colour'");
  }
}
