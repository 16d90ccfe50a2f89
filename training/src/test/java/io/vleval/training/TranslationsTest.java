package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.ImageText;
import io.vleval.training.data.StageData;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.ContrastiveObjective;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Stage 1 with captions in several languages: the stage's {@code translations} name datasets of the
 * same images' captions in other languages, matched by sample id.
 */
class TranslationsTest {

  private static final long SEED = 5;

  private static DataSpec data(List<String> translations) {
    return new DataSpec(
        List.of("captions-en"), translations, List.of("shapes-train"), null, null, null, null);
  }

  @Test
  void translationsNeedCaptionsAndEachDatasetOnce() {
    assertThatThrownBy(
            () -> new DataSpec(null, List.of("captions-zh"), null, null, null, null, null))
        .hasMessageContaining("'translations' needs 'captions'");
    assertThatThrownBy(
            () ->
                new DataSpec(
                    List.of("captions-en"),
                    List.of("captions-zh", "captions-zh"),
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("'translations' lists 'captions-zh' twice");
  }

  /**
   * With captions in one language the text of a captioned image is drawn exactly as stage 1 drew it
   * before languages existed (the shipped model depends on it): one draw of the caption from the
   * per-(seed, step, sample) stream.
   */
  @Test
  void oneLanguageDrawsOnlyTheCaption() {
    try (CgStageModel model = CgStageModel.random(Presets.tinyInternVl(), SEED);
        TextTokenizer tok = Training.tinyTokenizer();
        StageData data =
            SyntheticData.stage(StageKind.CONTRASTIVE, data(List.of()), Training.imageSize())) {
      ContrastiveObjective objective = new ContrastiveObjective(model, tok, data, SEED);
      Examples<ImageText> ex = data.images();
      int labelled = 0;
      for (int s = 0; s < ex.size(); s++) {
        labelled += ex.get(s).labelled() ? 1 : 0;
      }
      assertThat(labelled).as("labelled images come first").isEqualTo(96);
      for (int step = 1; step <= 20; step++) {
        for (int s = labelled; s < objective.size(); s++) {
          List<String> captions = ex.get(s).primaryCaptions();
          assertThat(ex.get(s).captions()).hasSize(1);
          SplittableRandom r = new SplittableRandom(SEED * 1_000_003L + (long) step * 7919 + s);
          assertThat(objective.text(s, step)).isEqualTo(captions.get(r.nextInt(captions.size())));
        }
      }
    }
  }

  @Test
  void translationsAreMatchedByIdAndDrawnHalfTheTimeReproducibly() {
    Map<String, List<String>> chineseById = new HashMap<>();
    for (CaptionedImage c :
        SyntheticData.samples(Part.CAPTIONS_TRAIN, CaptionedImage.class, "zh")) {
      chineseById.put("captions-en/" + c.id(), c.captions());
    }
    try (CgStageModel model = CgStageModel.random(Presets.tinyInternVl(), SEED);
        TextTokenizer tok = Training.tinyTokenizer();
        StageData data =
            SyntheticData.stage(
                StageKind.CONTRASTIVE, data(List.of("captions-zh")), Training.imageSize())) {
      ContrastiveObjective a = new ContrastiveObjective(model, tok, data, SEED);
      ContrastiveObjective b = new ContrastiveObjective(model, tok, data, SEED);
      Examples<ImageText> ex = data.images();
      int chinese = 0;
      int drawn = 0;
      Map<Integer, boolean[]> seen = new HashMap<>();
      for (int step = 1; step <= 40; step++) {
        for (int s = 0; s < a.size(); s++) {
          String text = a.text(s, step);
          assertThat(b.text(s, step)).isEqualTo(text);
          ImageText t = ex.get(s);
          if (t.labelled()) {
            assertThat(text).matches("[a-z ,.-]+");
            continue;
          }
          assertThat(t.captions()).hasSize(2);
          assertThat(t.captions().get(1)).isEqualTo(chineseById.get(t.id()));
          int language = t.captions().get(1).contains(text) ? 1 : 0;
          assertThat(t.captions().get(language)).contains(text);
          seen.computeIfAbsent(s, k -> new boolean[2])[language] = true;
          chinese += language;
          drawn++;
        }
      }
      assertThat(chinese / (double) drawn).isBetween(0.45, 0.55);
      assertThat(seen).hasSize(120);
      for (boolean[] both : seen.values()) {
        assertThat(both).containsExactly(true, true);
      }
    }
  }

  /**
   * Every character of the suite's Chinese captions is in the built-in tokenizer. It once lacked 左,
   * 右, 边 and 正 (they encoded as a fused {@code <unk>}, so "的左边" and "的右边" encoded alike); they were
   * appended at ids 420-423 and the shipped model retrained.
   */
  @Test
  void builtInTokenizerKnowsEveryCharacterOfTheChineseCaptions() {
    Set<String> unknown = new TreeSet<>();
    try (TextTokenizer tok = Training.tinyTokenizer()) {
      long unk = tok.tokenId("<unk>").orElseThrow();
      for (Part part : List.of(Part.CAPTIONS_TRAIN, Part.XTD)) {
        for (CaptionedImage c : SyntheticData.samples(part, CaptionedImage.class, "zh")) {
          for (String caption : c.captions()) {
            caption
                .codePoints()
                .mapToObj(Character::toString)
                .forEach(
                    ch -> {
                      for (long id : tok.encode(ch, false)) {
                        if (id == unk) {
                          unknown.add(ch);
                        }
                      }
                    });
          }
        }
      }
    }
    assertThat(unknown).isEmpty();
  }
}
