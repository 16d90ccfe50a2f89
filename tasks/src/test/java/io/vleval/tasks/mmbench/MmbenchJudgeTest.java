package io.vleval.tasks.mmbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.task.Judge;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MMBench's choice extraction through a judge when the rules fail (VLMEvalKit's LLM matching), and
 * exact matching, unchanged, without one.
 */
class MmbenchJudgeTest {

  @TempDir Path temp;

  private static final List<String> OPTIONS = List.of("red", "green", "blue", "yellow");

  /** Four questions, two circular rows each: the main row and its options shifted by one. */
  private static List<MultipleChoiceQuestion> questions() {
    List<MultipleChoiceQuestion> out = new ArrayList<>();
    String[] answers = {"A", "B", "C", "D"};
    for (int q = 1; q <= 4; q++) {
      for (int shift = 0; shift < 2; shift++) {
        List<String> options = new ArrayList<>(OPTIONS);
        Collections.rotate(options, -shift);
        int truth = (answers[q - 1].charAt(0) - 'A' - shift + 4) % 4;
        out.add(
            new MultipleChoiceQuestion(
                String.valueOf(q + shift * 1_000_000L),
                String.valueOf(q),
                null,
                "Which colour is shape " + q + "?",
                null,
                options,
                String.valueOf((char) ('A' + truth)),
                "colour",
                "perception"));
      }
    }
    return out;
  }

  /**
   * Replies by row id: question 1 right by the rules then unreadable; question 2 right then wrong
   * by the rules; question 3 unreadable twice; question 4 right twice.
   */
  private static final Map<String, String> REPLIES =
      Map.of(
          "1", "A",
          "1000001", "I would say it is crimson.",
          "2", "The answer is B",
          "1000002", "C",
          "3", "hmm, hard to say",
          "1000003", "nothing fits",
          "4", "D",
          "1000004", "C");

  private static Model model(Function<ChatRequest, String> answer) {
    MultipleChoiceChat chat = (requests, settings) -> requests.stream().map(answer).toList();
    return new Model() {
      @Override
      public Set<Class<? extends Capability>> capabilities() {
        return Set.of(MultipleChoiceChat.class);
      }

      @Override
      public <C extends Capability> Optional<C> capability(Class<C> type) {
        return type == MultipleChoiceChat.class ? Optional.of(type.cast(chat)) : Optional.empty();
      }

      @Override
      public ModelInfo info() {
        return new ModelInfo("test", "java", "cpu");
      }

      @Override
      public void close() {}
    };
  }

  /** A judge that reads the model's reply out of its prompt and answers what {@code read} says. */
  private static final class FakeJudge implements ImageChat {
    final List<String> prompts = Collections.synchronizedList(new ArrayList<>());
    final Function<String, String> read;

    FakeJudge(Function<String, String> read) {
      this.read = read;
    }

    @Override
    public List<String> respond(List<ChatRequest> requests, GenerationSettings settings) {
      assertThat(settings.beamSize()).isEqualTo(1);
      List<String> out = new ArrayList<>();
      for (ChatRequest r : requests) {
        assertThat(r.image()).isNull();
        assertThat(r.choices()).contains("Z");
        prompts.add(r.prompt());
        String reply = r.prompt().substring(r.prompt().lastIndexOf("\nAnswer: ") + 9);
        out.add(read.apply(reply.substring(0, reply.indexOf("\nYour output: "))));
      }
      return out;
    }
  }

  private record Run(List<MmbenchProvider.Answer> records, TaskOutcome outcome) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Run run(Optional<Judge> judge, boolean circular) {
    MmbenchProvider provider = new MmbenchProvider();
    Task task = provider.create(new MmbenchProvider.Spec(null, circular, 10, 0));
    List<MultipleChoiceQuestion> questions = questions();
    TaskContext context =
        new TaskContext(
            new DatasetInfo("f", questions.size(), List.of(), "mem"),
            Optional.empty(),
            17,
            temp,
            3,
            17,
            List.of(),
            judge);
    Map<String, String> byPrompt = new HashMap<>();
    for (MultipleChoiceQuestion q : questions) {
      byPrompt.put(
          MmbenchProvider.prompt(q, new MmbenchProvider.Spec(null, null, null, null).instruction()),
          REPLIES.get(q.id()));
    }
    List<MmbenchProvider.Answer> records = new ArrayList<>();
    try (Model model = model(r -> byPrompt.get(r.prompt()));
        TaskSession session = task.start(model, context)) {
      for (int from = 0; from < questions.size(); from += 3) {
        records.addAll(
            session.process(
                new ArrayList<>(questions.subList(from, Math.min(questions.size(), from + 3)))));
      }
      return new Run(records, session.finish(records));
    }
  }

  private static MmbenchProvider.Answer record(Run run, String id) {
    return run.records().stream().filter(a -> a.sampleId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void withoutAJudgeUnreadableRepliesScoreAsNoAnswerExactlyAsExactMatching() {
    for (boolean circular : List.of(true, false)) {
      Run run = run(Optional.empty(), circular);
      // the scores exact matching gives from the raw replies, as the task computed them before
      // judges existed
      List<McqItem> items = new ArrayList<>();
      Map<Long, String> answers = new HashMap<>();
      for (MultipleChoiceQuestion q : questions()) {
        Map<String, String> choices = new LinkedHashMap<>();
        for (int i = 0; i < q.options().size(); i++) {
          choices.put(String.valueOf((char) ('A' + i)), q.options().get(i));
        }
        items.add(
            new McqItem(
                Long.parseLong(q.id()),
                choices,
                REPLIES.get(q.id()),
                q.category(),
                q.l2Category(),
                "dev"));
        answers.put(Long.parseLong(q.id()), q.answer());
      }
      double expected =
          MultipleChoiceScoring.score(items, answers, circular, ScoreOptions.NO_INTERVALS)
              .value("Overall");
      assertThat(run.outcome().metrics().get(0).value()).isEqualTo(expected);
      // circular: only question 4 is right in both rows; vanilla: 1, 2, 3 of... see REPLIES
      assertThat(expected).isEqualTo(circular ? 0.25 : 4 / 8.0);
      assertThat(run.outcome().warnings()).isEmpty();
      assertThat(record(run, "1000001").extraction()).isEqualTo(MmbenchProvider.NONE);
      assertThat(record(run, "1000001").extracted()).isNull();
      assertThat(record(run, "1000001").judgeReplies()).isEmpty();
      assertThat(record(run, "1").extraction()).isEqualTo(MmbenchProvider.RULE);
      assertThat(record(run, "1").extracted()).isEqualTo("A");
    }
  }

  @Test
  void theJudgeReadsOnlyWhatTheRulesCannotAndItsOptionsAreScored() {
    FakeJudge chat =
        new FakeJudge(
            reply ->
                switch (reply) {
                  case "I would say it is crimson." -> "A"; // green in the shifted row: wrong
                  case "hmm, hard to say" -> "Your output: C";
                  default -> "I cannot match this answer.";
                });
    Run run = run(Optional.of(new Judge("gpt", chat)), true);
    // asked for the three unreadable rows only; the third three times (no option in its replies)
    assertThat(chat.prompts).hasSize(1 + 1 + 3);
    MmbenchProvider.Answer crimson = record(run, "1000001");
    assertThat(crimson.extraction()).isEqualTo(MmbenchProvider.JUDGE);
    assertThat(crimson.extracted()).isEqualTo("A");
    assertThat(crimson.judgeReplies()).containsExactly("A");
    assertThat(crimson.prediction()).isEqualTo("I would say it is crimson.");
    MmbenchProvider.Answer hmm = record(run, "3");
    assertThat(hmm.extraction()).isEqualTo(MmbenchProvider.JUDGE);
    assertThat(hmm.extracted()).isEqualTo("C");
    MmbenchProvider.Answer nothing = record(run, "1000003");
    assertThat(nothing.extraction()).isEqualTo(MmbenchProvider.JUDGE_RANDOM);
    assertThat(nothing.judgeReplies()).hasSize(ChoiceJudge.TRIES);
    assertThat(nothing.extracted()).isIn("A", "B", "C", "D", "Z");
    assertThat(record(run, "1000002").extraction()).isEqualTo(MmbenchProvider.RULE);
    // the prompt is VLMEvalKit's for the row's own question, options and reply
    MultipleChoiceQuestion shifted = questions().get(1);
    Map<String, String> choices = new LinkedHashMap<>();
    for (int i = 0; i < shifted.options().size(); i++) {
      choices.put(String.valueOf((char) ('A' + i)), shifted.options().get(i));
    }
    assertThat(chat.prompts)
        .contains(ChoiceJudge.prompt(shifted.question(), choices, "I would say it is crimson."));
    // question 1's shifted row has options green, blue, yellow, red: 'A' (green) is wrong
    assertThat(shifted.answer()).isEqualTo("D");
    // so: q1 fails on its judged row, q2 fails by the rules, q3 hits iff both judged rows are
    // right, q4 hits
    double q3 =
        hmm.extracted().equals(hmm.answer()) && nothing.extracted().equals(nothing.answer())
            ? 1
            : 0;
    assertThat(run.outcome().metrics().get(0).value()).isCloseTo((q3 + 1) / 4, within(1e-12));
    assertThat(run.outcome().warnings())
        .containsExactly(
            "the rules could not read 3 of 8 replies; judge 'gpt' read them (1 by a random pick"
                + " after 3 unreadable judge replies)");
  }

  @Test
  void aJudgedRightAnswerTurnsAQuestionRight() {
    // the judge reads every unreadable reply as the row's right answer
    Map<String, String> truth = new HashMap<>();
    for (MultipleChoiceQuestion q : questions()) {
      truth.put(REPLIES.get(q.id()), q.answer());
    }
    FakeJudge chat = new FakeJudge(truth::get);
    Run judged = run(Optional.of(new Judge("gpt", chat)), true);
    Run exact = run(Optional.empty(), true);
    // q1 and q3 now right in both rows; q2 still wrong by the rules
    assertThat(exact.outcome().metrics().get(0).value()).isEqualTo(0.25);
    assertThat(judged.outcome().metrics().get(0).value()).isEqualTo(0.75);
  }

  @Test
  void theRandomPickIsTheSameForTheSameSeedAndRow() {
    FakeJudge never = new FakeJudge(reply -> "no idea");
    Run first = run(Optional.of(new Judge("gpt", never)), false);
    Run second = run(Optional.of(new Judge("gpt", new FakeJudge(reply -> "no idea"))), false);
    assertThat(first.records()).isEqualTo(second.records());
    assertThat(first.outcome()).isEqualTo(second.outcome());
  }

  @Test
  void promptsAreVlmEvalKits() throws IOException {
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("/mmbench-judge/prompts.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    assertThat(fixture.path("cases")).hasSizeGreaterThanOrEqualTo(5);
    for (JsonNode c : fixture.path("cases")) {
      Map<String, String> choices = new LinkedHashMap<>();
      c.path("choices")
          .fields()
          .forEachRemaining(e -> choices.put(e.getKey(), e.getValue().asText()));
      assertThat(
              ChoiceJudge.prompt(
                  c.path("question").asText(), choices, c.path("prediction").asText()))
          .as(c.path("question").asText())
          .isEqualTo(c.path("prompt").asText());
    }
  }
}
