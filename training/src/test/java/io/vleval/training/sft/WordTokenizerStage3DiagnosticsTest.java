package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.SyntheticData;
import io.vleval.training.Training;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The word-level tokenizer experiment of training/README.md "Stage 3": the suite's words as single
 * tokens ({@code tokenizers/words/tokenizer.json}, made by {@code
 * model-internvl/src/test/resources/tokenizers/multilingual/make_tokenizer.py --words}). The
 * tokenizer check runs always; the training run only with {@code -Dstage3Words=true} (minutes) and
 * takes its budgets from system properties ({@code lmSteps}, {@code sftSteps}, {@code llmHidden},
 * {@code llmLayers}, {@code lmLr}, {@code sftLr}).
 */
class WordTokenizerStage3DiagnosticsTest {

  @TempDir Path out;

  static TextTokenizer words() throws Exception {
    try (InputStream in =
        WordTokenizerStage3DiagnosticsTest.class.getResourceAsStream(
            "/tokenizers/words/tokenizer.json")) {
      return TextTokenizer.fromStream(in, "tokenizers/words/tokenizer.json");
    }
  }

  /**
   * An MC prompt becomes words (each suite word one id), round-trips, and is ~4x shorter than with
   * characters.
   */
  @Test
  void mcPromptTokenizesToWordsAndRoundTrips() throws Exception {
    TrainingData.Question q =
        new TrainingData.Question(
            null,
            "What colour is the large circle?",
            "The picture shows flat shapes on a textured background.",
            List.of("red", "yellow", "blue", "green"),
            "C",
            null);
    String prompt = TrainingData.prompt(q);
    String described =
        "<img>a large blue circle to the left of a small red square</img>\n" + prompt;
    try (TextTokenizer w = words();
        TextTokenizer c = Training.tinyTokenizer()) {
      for (String text :
          List.of(
              prompt,
              described,
              "a small yellow triangle is above a large green square",
              "English caption:",
              "Describe the image in one sentence.",
              "一只红色的猫 and unknown words")) {
        long[] ids = w.encode(text, false);
        long[] chars = c.encode(text, false);
        System.out.printf(
            "%d words vs %d chars: %s%n", ids.length, chars.length, Arrays.toString(ids));
        // the same text as the character tokenizer gives, whose "\n" is <unk>
        assertThat(w.decode(ids, false)).isEqualTo(c.decode(chars, false).replace("<unk>", "\n"));
        assertThat(Arrays.stream(ids).allMatch(i -> i < 990 || i >= 995)).isTrue();
      }
      long[] p = w.encode(prompt, false);
      assertThat(p.length * 3).isLessThan(c.encode(prompt, false).length);
      // each suite word is one id (the normalizer prepends "▁")
      for (String word :
          List.of(
              "red",
              "circle",
              "colour",
              "yellow",
              "triangle",
              "What",
              "option",
              "directly",
              "textured")) {
        assertThat(w.encode(word, false)).as(word).hasSize(1);
      }
      // every character keeps its id; an option line is newline, letter, dot, word
      assertThat(w.encode("猫 zq", false)).containsExactly(c.encode("猫 zq", false));
      long[] line = w.encode("x\nC. blue", false);
      assertThat(line).hasSize(6).startsWith(c.encode("x", false));
      assertThat(line[3]).isEqualTo(c.encode("xC", false)[2]);
      assertThat(w.decode(new long[] {line[5]}, false)).isEqualTo("blue");
    }
  }

  @Test
  @EnabledIfSystemProperty(
      named = "stage3Words",
      matches = "true",
      disabledReason =
          "experiment, minutes: -Dtest=WordTokenizerStage3DiagnosticsTest#stage3WithWordTokens -Dstage3Words=true -DlmSteps=... -DsftSteps=...")
  void stage3WithWordTokens() throws Exception {
    Path stage1 = Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();
    StageSpec warm =
        new StageSpec(
            "lm",
            StageKind.LM_WARMUP,
            new ModelInitSpec(
                null,
                null,
                stage1,
                0L,
                Integer.getInteger("llmHidden", 64),
                Integer.getInteger("llmLayers", 2)),
            Integer.getInteger("lmSteps", 500),
            16,
            1,
            new OptimizerSpec(
                Double.parseDouble(System.getProperty("lmLr", "3e-3")), null, null, 0.0),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null,
            null,
            null);
    StageSpec sft =
        new StageSpec(
            "sft",
            StageKind.SFT,
            new ModelInitSpec(null, "lm", null, 0L, null, null),
            Integer.getInteger("sftSteps", 300),
            16,
            1,
            new OptimizerSpec(
                Double.parseDouble(System.getProperty("sftLr", "3e-3")), null, null, 0.0),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null,
            List.of("llm"),
            null);
    TrainSpec spec =
        SyntheticData.spec(new TrainSettings("t", 0L, out, 0, null, null), List.of(warm, sft));
    long t0 = System.nanoTime();
    long[] tLm = new long[1];
    List<Training.StageOutcome> o;
    try (TextTokenizer tok = words()) {
      o =
          new Training(
                  spec,
                  SyntheticData.inputs(spec),
                  out,
                  new TrainingListener() {
                    @Override
                    public void onStep(StepReport r) {
                      if (r.stage().equals("sft") && tLm[0] == 0) {
                        tLm[0] = System.nanoTime();
                      }
                      if (r.step() % 100 == 0) {
                        System.out.printf(
                            "%s step %d loss %.4f gn %.3f %.0f samples/s%n",
                            r.stage(), r.step(), r.loss(), r.gradNorm(), r.samplesPerSecond());
                      }
                    }

                    @Override
                    public void onMessage(String m) {
                      System.out.println(m);
                    }
                  })
              .run(false, tok);
    }
    System.out.printf(
        "WORDS stage 3: %.1f s (warm-up + its eval %.1f s); warm-up %.4f -> %.4f; sft %.4f -> %.4f; %s %s%n",
        (System.nanoTime() - t0) / 1e9,
        (tLm[0] - t0) / 1e9,
        o.get(0).result().meanLoss(5, false),
        o.get(0).result().meanLoss(5, true),
        o.get(1).result().meanLoss(5, false),
        o.get(1).result().meanLoss(5, true),
        o.get(0).metrics(),
        o.get(1).metrics());
  }
}
