package io.vleval.training.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's {@code data:} names entries of {@code datasets:} by role, each checked when the recipe
 * loads, with the place of the name or key it is about.
 */
class StageDataConfigTest {

  private static final String DATASETS =
      """
      datasets:
        - {name: shapes, type: synthetic, part: classification-train}
        - {name: captions-en, type: synthetic, part: captions-train}
        - {name: questions, type: synthetic, part: mmbench-train}
      """;

  @TempDir Path dir;

  private Path recipe(String text) throws Exception {
    Path file = dir.resolve("recipe.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void rolesNameDatasetsByOneNameOrAList() throws Exception {
    TrainSpec spec =
        TrainConfigLoader.load(
            recipe(
                DATASETS
                    + """
                    stages:
                      - name: s1
                        kind: contrastive
                        model: {preset: tiny-internvl}
                        steps: 1
                        data: {captions: captions-en, labelled: [shapes]}
                      - name: s3
                        kind: sft
                        model: {from: s1}
                        steps: 1
                        data: {questions: questions, circular: true, captions: [captions-en], shuffle_buffer: 64}
                    """));
    DataSpec s1 = spec.stages().get(0).data();
    assertThat(s1.captions()).containsExactly("captions-en");
    assertThat(s1.labelled()).containsExactly("shapes");
    assertThat(s1.streamed()).isFalse();
    DataSpec s3 = spec.stages().get(1).data();
    assertThat(s3.questions()).containsExactly("questions");
    assertThat(s3.circular()).isTrue();
    assertThat(s3.shuffleBuffer()).isEqualTo(64);
    assertThat(s3.streamed()).isTrue();
  }

  /**
   * Every problem at once, each at its place: an unknown name with the nearest one, a dataset whose
   * samples its role does not read, a role the kind does not read (the LM warm-up with the reason),
   * a stage that names nothing to train on, a stage without data.
   */
  @Test
  void everyReferenceIsCheckedWithItsPlace() throws Exception {
    Path file =
        recipe(
            DATASETS
                + """
                stages:
                  - name: s1
                    kind: contrastive
                    model: {preset: tiny-internvl}
                    steps: 1
                    data: {captions: [captions-eng], labelled: [captions-en]}
                  - name: w
                    kind: lm-warmup
                    model: {from: s1}
                    steps: 1
                    data: {captions: [captions-en], questions: [questions]}
                  - name: g
                    kind: generative
                    model: {from: s1}
                    steps: 1
                    data: {translations: [captions-en]}
                  - name: h
                    kind: lm-head-warmup
                    model: {from: s1}
                    steps: 1
                """);
    assertThatThrownBy(() -> TrainConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e -> {
              String m = e.getMessage();
              assertThat(m)
                  .contains(
                      file
                          + ":10:23: 'captions' in 'data' of stage 's1' names dataset"
                          + " 'captions-eng', which is not defined; did you mean 'captions-en'?"
                          + " datasets: shapes, captions-en, questions");
              assertThat(m)
                  .contains(
                      file
                          + ":10:49: 'labelled' in 'data' of stage 's1' names dataset 'captions-en'"
                          + " (synthetic), whose samples are CaptionedImage; 'labelled' reads"
                          + " LabelledImage samples");
              assertThat(m)
                  .contains(
                      file
                          + ":15:37: questions in 'data' of stage 'w': an lm-warmup stage reads"
                          + " captions, conversations, not 'questions' (a question's picture"
                          + " cannot be read without the image");
              assertThat(m)
                  .contains(
                      file
                          + ":20:12: translations in 'data' of stage 'g': a generative stage reads"
                          + " captions, not 'translations'");
              assertThat(m)
                  .contains(
                      file
                          + ":20:11: 'data' of stage 'g': a generative stage needs data: name"
                          + " datasets under 'captions'");
              assertThat(m)
                  .contains(
                      file
                          + ":20:11: invalid 'data' of 'stages[2]' of the training config:"
                          + " 'translations' needs 'captions'");
              assertThat(m).contains("missing required key 'data' in 'stages[3]'");
            });
  }

  /** The global data section of earlier recipes gets one line that says what to write instead. */
  @Test
  void theOldGlobalDataSectionSaysWhatToWriteInstead() throws Exception {
    Path file =
        recipe(
            DATASETS
                + """
                data: {synthetic_scale: small, caption_languages: [en, zh]}
                stages:
                  - {name: s1, kind: contrastive, model: {preset: tiny-internvl}, steps: 1, data: {captions: captions-en}}
                """);
    assertThatThrownBy(() -> TrainConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            file
                + ":5:1: the top-level 'data:' section (synthetic_scale, synthetic_seed,"
                + " caption_languages) is no longer read; declare the datasets under 'datasets:'")
        .hasMessageContaining("caption_languages: [en, zh] becomes translations")
        .hasMessageNotContaining("unknown key 'data'");
  }

  /** A dataset's own shuffling is for runs; a stage shuffles with the recipe's seed itself. */
  @Test
  void aStreamedDatasetsOwnShuffleIsRefusedWhereAStageNamesIt() throws Exception {
    Path shards = Files.createDirectories(dir.resolve("shards"));
    Files.write(shards.resolve("0.tar"), new byte[1024]);
    Path file =
        recipe(
            """
            datasets:
              - {name: laion, type: webdataset, root: shards, shuffle_buffer: 100}
            stages:
              - {name: s1, kind: contrastive, model: {preset: tiny-internvl}, steps: 1, data: {captions: laion}}
            """);
    assertThatThrownBy(() -> TrainConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            file
                + ":4:94: 'captions' in 'data' of stage 's1' names dataset 'laion', which sets"
                + " shuffle_buffer; a training stage shuffles its data itself");
  }

  @Test
  void dataSpecRefusesAnEmptyBufferAndRepeatedNames() {
    assertThatThrownBy(() -> new DataSpec(List.of("a", "a"), null, null, null, null, null, null))
        .hasMessageContaining("'captions' lists 'a' twice");
    assertThatThrownBy(() -> new DataSpec(List.of("a"), null, null, null, null, 0, null))
        .hasMessageContaining("'shuffle_buffer' is 0; it must be 1 or more");
    assertThat(DataSpec.misfit(StageKind.CONTRASTIVE, "circular"))
        .isEqualTo("'circular' applies to sft stages (their questions)");
    assertThat(DataSpec.misfit(StageKind.SFT, "questions")).isNull();
  }
}
