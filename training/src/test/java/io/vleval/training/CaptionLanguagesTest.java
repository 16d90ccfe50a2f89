package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.TrainingData;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.ContrastiveObjective;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Stage 1 with captions in several languages ({@code data: {caption_languages: [en, zh]}}). */
class CaptionLanguagesTest {

  private static final long SEED = 5;

  @Test
  void specDefaultsToEnglishAndRefusesWhatTheSuiteLacks() {
    assertThat(new DataSpec(null, null, null, null).captionLanguages()).containsExactly("en");
    assertThat(new DataSpec(null, null, null, List.of("en", "zh")).captionLanguages())
        .containsExactly("en", "zh");
    assertThatThrownBy(() -> new DataSpec(null, null, null, List.of("en", "fr")))
        .hasMessageContaining("'caption_languages'")
        .hasMessageContaining("'fr'")
        .hasMessageContaining("en, zh");
    assertThatThrownBy(() -> new DataSpec(null, null, null, List.of()))
        .hasMessageContaining("'caption_languages' is empty");
    assertThatThrownBy(() -> new DataSpec(null, null, null, List.of("zh", "zh")))
        .hasMessageContaining("twice");
  }

  /**
   * English-only draws are the ones stage 1 made before languages existed (the shipped model
   * depends on it).
   */
  @Test
  void englishOnlyDrawsAreUnchanged() {
    TrainingData data = SyntheticData.tiny();
    try (CgStageModel model = CgStageModel.random(Presets.tinyInternVl(), SEED);
        TextTokenizer tok = Training.tinyTokenizer()) {
      ContrastiveObjective objective = new ContrastiveObjective(model, tok, data, SEED);
      int nc = data.classTrain().size();
      for (int step = 1; step <= 20; step++) {
        for (int s = nc; s < objective.size(); s++) {
          List<String> captions = data.captionTrain().get(s - nc).captions();
          SplittableRandom r = new SplittableRandom(SEED * 1_000_003L + (long) step * 7919 + s);
          assertThat(objective.text(s, step)).isEqualTo(captions.get(r.nextInt(captions.size())));
        }
      }
    }
  }

  @Test
  void bilingualDrawsMixBothLanguagesReproducibly() {
    TrainingData data = SyntheticData.tinyBilingual();
    try (CgStageModel model = CgStageModel.random(Presets.tinyInternVl(), SEED);
        TextTokenizer tok = Training.tinyTokenizer()) {
      ContrastiveObjective a = new ContrastiveObjective(model, tok, data, SEED);
      ContrastiveObjective b = new ContrastiveObjective(model, tok, data, SEED);
      int nc = data.classTrain().size();
      int chinese = 0;
      int drawn = 0;
      boolean[][] seen = new boolean[data.captionTrain().size()][2];
      for (int step = 1; step <= 40; step++) {
        for (int s = 0; s < a.size(); s++) {
          String text = a.text(s, step);
          assertThat(b.text(s, step)).isEqualTo(text);
          if (s < nc) {
            assertThat(text).matches("[a-z ,.-]+");
            continue;
          }
          TrainingData.Captioned c = data.captionTrain().get(s - nc);
          int language = c.byLanguage().get(1).contains(text) ? 1 : 0;
          assertThat(c.byLanguage().get(language)).contains(text);
          seen[s - nc][language] = true;
          chinese += language;
          drawn++;
        }
      }
      assertThat(chinese / (double) drawn).isBetween(0.45, 0.55);
      for (boolean[] both : seen) {
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
        for (CaptionedImage c : SyntheticData.captions(part, "zh")) {
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
