package io.vleval.tasks.vqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.TaskOutcome;
import io.vleval.testkit.contract.TaskProviderContractTest;
import io.vleval.testkit.fake.ListDataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The VQA-family tasks: the contract on small colour questions answered by the fake model (which
 * replies with an image's dominant colour), the prompts as InternVL-Chat's scripts build them, the
 * protocol recorded, LLaVA's TextVQA question lookup, and test splits recorded but not scored.
 */
class VqaTasksTest {

  static final String[] COLOURS = {"red", "green", "blue"};

  static RgbImage solid(int colour) {
    byte[] rgb = new byte[8 * 8 * 3];
    for (int i = 0; i < 64; i++) {
      rgb[i * 3 + colour] = (byte) 200;
    }
    return new RgbImage(8, 8, rgb);
  }

  /**
   * Twelve colour questions: question i shows colour i % 3; its ten answers name that colour in
   * seven of ten when i % 4 != 0, else another colour, so the fake model scores 1 on 9 and 0 on 3.
   */
  static List<VisualQuestion> colourQuestions(boolean gqa) {
    List<VisualQuestion> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String shown = COLOURS[i % 3];
      String answer = i % 4 == 0 ? COLOURS[(i + 1) % 3] : shown;
      List<String> answers =
          gqa
              ? List.of(answer)
              : concat(Collections.nCopies(7, answer), Collections.nCopies(3, "purple"));
      Map<String, String> attributes =
          gqa
              ? Map.of(
                  Benchmark.STRUCTURAL, i % 2 == 0 ? "query" : "verify", Benchmark.SEMANTIC, "attr")
              : Map.of(Benchmark.IMAGE_ID, "img" + i, Benchmark.OCR_TOKENS, "STOP, 12");
      out.add(
          new VisualQuestion(
              String.valueOf(100 + i),
              ImageSource.of(solid(i % 3), "colour " + i),
              "What colour is the picture?",
              answers,
              i % 2 == 0 ? "other" : "yes/no",
              attributes));
    }
    return out;
  }

  static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  abstract static class ColourContract<S extends Record> extends TaskProviderContractTest<S> {
    boolean gqa() {
      return false;
    }

    @Override
    protected String exampleSpecYaml() {
      return "resamples: 50\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("protocol: llava-next\n", "protocol");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return new ListDataset<>(VisualQuestion.class, colourQuestions(gqa()), List.of());
    }

    @Test
    void accuracyIsTheMeanOfTheRecordsAccuracies() {
      Run run = runOnce(3);
      double mean =
          run.records().stream()
              .mapToDouble(r -> ((VqaAnswer) r).accuracy())
              .average()
              .orElseThrow();
      assertThat(mean).isEqualTo(0.75);
      assertThat(run.outcome().headline()).isEqualTo("accuracy");
      assertThat(run.outcome().metrics().get(0).value()).isEqualTo(mean);
      assertThat(run.outcome().metrics().get(0).interval()).isNotNull();
      assertThat(run.records())
          .allSatisfy(r -> assertThat(((VqaAnswer) r).prediction()).isIn((Object[]) COLOURS));
    }
  }

  @Nested
  class Vqav2 extends ColourContract<Vqav2Provider.Spec> {
    @Override
    protected TaskProvider<Vqav2Provider.Spec> provider() {
      return new Vqav2Provider();
    }

    @Test
    void breaksDownByAnswerType() {
      TaskOutcome outcome = runOnce(1).outcome();
      assertThat(outcome.categories())
          .extracting(CategoryBreakdown::category)
          .containsExactly("other", "yes/no");
      assertThat(outcome.categories()).allSatisfy(c -> assertThat(c.sampleCount()).isEqualTo(6));
    }
  }

  @Nested
  class TextVqa extends ColourContract<TextVqaProvider.Spec> {
    @Override
    protected TaskProvider<TextVqaProvider.Spec> provider() {
      return new TextVqaProvider();
    }
  }

  @Nested
  class VizWiz extends ColourContract<VizWizProvider.Spec> {
    @Override
    protected TaskProvider<VizWizProvider.Spec> provider() {
      return new VizWizProvider();
    }
  }

  @Nested
  class Gqa extends ColourContract<GqaProvider.Spec> {
    @Override
    boolean gqa() {
      return true;
    }

    @Override
    protected TaskProvider<GqaProvider.Spec> provider() {
      return new GqaProvider();
    }

    @Test
    void breaksDownByBinaryOpenAndTypes() {
      TaskOutcome outcome = runOnce(1).outcome();
      assertThat(outcome.categories())
          .extracting(CategoryBreakdown::category)
          .containsExactly(
              "binary", "open", "semantic/attr", "structural/query", "structural/verify");
    }
  }

  static VisualQuestion question(String question, Map<String, String> attributes) {
    return new VisualQuestion("1", null, question, List.of(), null, attributes);
  }

  @Test
  void promptsAsTheScriptsBuildThem() {
    VqaProtocol vizwizLlava =
        VizWizProvider.protocol((new VizWizProvider.Spec(null, null, null, null, null, null)));
    assertThat(vizwizLlava.prompt(question("What is this?", Map.of())))
        .isEqualTo(
            "What is this?\nWhen the provided information is insufficient, respond with"
                + " 'Unanswerable'.\nAnswer the question using a single word or phrase.");
    VqaProtocol vizwizChat =
        VizWizProvider.protocol(
            (new VizWizProvider.Spec("internvl-chat", null, null, null, null, null)));
    assertThat(vizwizChat.prompt(question("What is this?", Map.of())))
        .isEqualTo(
            "What is this? When the provided information is insufficient, respond with"
                + " 'Unanswerable'. Answer the question using a single word or phrase.");
    assertThat(vizwizChat.maxNewTokens()).isEqualTo(10);
    assertThat(vizwizChat.minNewTokens()).isEqualTo(1);
    assertThat(vizwizLlava.maxNewTokens()).isEqualTo(128);
    VqaProtocol text =
        TextVqaProvider.protocol(
            (new TextVqaProvider.Spec(null, null, null, null, null, null, null)));
    assertThat(
            text.prompt(question("what brand?", Map.of(Benchmark.OCR_TOKENS, "DAKOTA, DIGITAL"))))
        .isEqualTo(
            "what brand?\nReference OCR token: DAKOTA, DIGITAL\nAnswer the question using a single word or phrase.");
    assertThat(text.prompt(question("what brand?", Map.of())))
        .isEqualTo("what brand?\nAnswer the question using a single word or phrase.");
  }

  @Test
  void defaultsAreTheReferenceAndOthersAreNamed() {
    assertThat(
            new Vqav2Provider()
                .create(new Vqav2Provider.Spec(null, null, null, null, null, 10))
                .protocol())
        .isEqualTo("reference");
    assertThat(
            new Vqav2Provider()
                .create(new Vqav2Provider.Spec(null, "vqa-2016", null, null, null, 10))
                .protocol())
        .isEqualTo("llava, scorer vqa-2016");
    assertThat(
            new GqaProvider()
                .create(new GqaProvider.Spec("internvl-chat", null, null, null, null, 10))
                .protocol())
        .isEqualTo("internvl-chat, scorer llava");
    assertThat(new Vqav2Provider.Spec(null, null, null, null, null, null).scorer())
        .isEqualTo(VqaScorer.EVALAI_VQA_2021.id());
    assertThat(new VizWizProvider.Spec(null, null, null, null, null, null).scorer())
        .isEqualTo(VqaScorer.EVALAI_VIZWIZ.id());
    assertThat(new GqaProvider.Spec(null, null, null, null, null, null).match())
        .isEqualTo(GqaMatch.LLAVA.id());
    assertThatThrownBy(() -> new Vqav2Provider.Spec(null, "vqa-2019", null, null, null, null))
        .hasMessageContaining("unknown VQA scorer 'vqa-2019'")
        .hasMessageContaining("vqa-2021");
  }

  @Test
  void textVqaLooksAnswersUpByImageAndLowerCasedQuestionTheLastWinning() {
    VqaProtocol lookup =
        new VqaProtocol(
            Benchmark.TEXTVQA, "llava", VqaScorer.M4C, null, "", true, true, 0, 10, 0, true);
    VqaProtocol own =
        new VqaProtocol(
            Benchmark.TEXTVQA,
            "internvl-chat",
            VqaScorer.M4C,
            null,
            "",
            false,
            false,
            1,
            10,
            0,
            false);
    List<VqaAnswer> records =
        List.of(
            new VqaAnswer(
                "1",
                "What Brand?",
                "img",
                "sony",
                Collections.nCopies(10, "sony"),
                List.of(),
                1.0,
                null),
            new VqaAnswer(
                "2",
                "what brand?",
                "img",
                "sony",
                Collections.nCopies(10, "canon"),
                List.of(),
                0.0,
                null));
    assertThat(VqaTask.outcome(own, records, 1).metrics().get(0).value()).isEqualTo(0.5);
    assertThat(VqaTask.outcome(lookup, records, 1).metrics().get(0).value()).isEqualTo(0.0);
  }

  @Test
  void vizwizReportsUnanswerabilityFromTheAnswerableFlags() {
    VqaProtocol p =
        new VqaProtocol(
            Benchmark.VIZWIZ, "llava", VqaScorer.VIZWIZ, null, "", false, false, 0, 10, 0, true);
    List<VqaAnswer> records =
        List.of(
            new VqaAnswer(
                "a",
                "q",
                null,
                "Unanswerable.",
                Collections.nCopies(10, "unanswerable"),
                List.of(),
                1.0,
                false),
            new VqaAnswer(
                "b",
                "q",
                null,
                "red",
                Collections.nCopies(10, "unanswerable"),
                List.of(),
                0.0,
                false),
            new VqaAnswer(
                "c", "q", null, "blue", Collections.nCopies(10, "blue"), List.of(), 1.0, true),
            new VqaAnswer(
                "d", "q", null, "green", Collections.nCopies(10, "red"), List.of(), 0.0, true));
    TaskOutcome outcome = VqaTask.outcome(p, records, 1);
    // one of two unanswerable found, no false alarm: AP = 1/2 * 1 + 1/2 * 2/4, F1 = 2/3
    assertThat(outcome.metrics())
        .extracting(m -> m.name() + "=" + m.value())
        .containsExactly("accuracy=0.5", "unanswerable_ap=0.75", "unanswerable_f1=" + (2.0 / 3));
  }

  @Test
  void questionsWithoutAnswersAreRecordedNotScored() {
    VqaProtocol p =
        new VqaProtocol(
            Benchmark.VQAV2, "llava", VqaScorer.VQA_2021, null, "", false, false, 0, 10, 0, true);
    List<VqaAnswer> records =
        List.of(
            new VqaAnswer(
                "1", "q", null, "yes", Collections.nCopies(10, "yes"), List.of(), 1.0, null),
            new VqaAnswer("2", "q", null, "no", List.of(), List.of(), null, null));
    TaskOutcome outcome = VqaTask.outcome(p, records, 1);
    assertThat(outcome.metrics().get(0).value()).isEqualTo(1.0);
    assertThat(outcome.warnings())
        .containsExactly(
            "1 of 2 questions have no answers (a test split): their predictions are recorded and left out of the scores");
    List<SampleRecord> recorded = new ArrayList<>(records);
    assertThat(recorded).hasSize(2);
  }
}
