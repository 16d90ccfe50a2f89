package io.vleval.tasks.closed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.task.Judge;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.mmvet.MmvetGrading;
import io.vleval.tasks.mmvet.MmvetTaskProvider;
import io.vleval.testkit.fake.FakeModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MM-Vet through a fake judge: every reply graded with MM-Vet's prompt, retried when the judge's
 * reply is not a grade, the grades recorded, the scores per capability; without a judge the task
 * refuses to start, before any sample reaches the model.
 */
class MmvetJudgeTest {
  @TempDir Path temp;

  private static final List<VisualQuestion> QUESTIONS =
      List.of(
          new VisualQuestion(
              "v1_0", null, "What is shown?", List.of("a cat"), "rec", Map.of("capability", "rec")),
          new VisualQuestion(
              "v1_1",
              null,
              "What does the sign say?",
              List.of("stop<OR>STOP"),
              "ocr,rec",
              Map.of("capability", "ocr,rec")));

  private TaskContext context(Optional<Judge> judge) {
    return new TaskContext(
        new DatasetInfo("x", 2, List.of(), "mem"),
        Optional.empty(),
        1,
        temp,
        2,
        1,
        List.of(),
        judge);
  }

  @Test
  void gradesEveryReplyWithTheJudgeAndScoresPerCapability() {
    List<String> prompts = new ArrayList<>();
    // grades 1.0 for the first sample; for the second a non-grade first, then 0.5 on the retry
    ImageChat judge =
        (requests, settings) -> {
          assertThat(settings.maxNewTokens()).isEqualTo(MmvetGrading.MAX_TOKENS);
          String p = requests.get(0).prompt();
          prompts.add(p);
          if (p.contains("What is shown?")) {
            return List.of("1.0");
          }
          return List.of(p.endsWith(MmvetGrading.RETRY_SUFFIX) ? "0.5" : "maybe");
        };
    Task<VisualQuestion, MmvetTaskProvider.Graded> task =
        new MmvetTaskProvider().create(new MmvetTaskProvider.Spec(null, null, null, 0));
    try (FakeModel model = new FakeModel();
        TaskSession<VisualQuestion, MmvetTaskProvider.Graded> s =
            task.start(model, context(Optional.of(new Judge("gpt-4", judge))))) {
      List<MmvetTaskProvider.Graded> records = s.process(QUESTIONS);
      assertThat(records).extracting(MmvetTaskProvider.Graded::score).containsExactly(1.0, 0.5);
      assertThat(records.get(1).judgeReplies()).containsExactly("maybe", "0.5");
      assertThat(records.get(0).judge()).isEqualTo("gpt-4");
      assertThat(prompts.get(0))
          .isEqualTo(MmvetGrading.prompt("What is shown?", "a cat", records.get(0).prediction()));
      assertThat(prompts.get(1)).contains("| stop <OR> STOP |");
      TaskOutcome outcome = s.finish(records);
      assertThat(outcome.headline()).isEqualTo("total");
      assertThat(outcome.metrics().get(0).value()).isCloseTo(75.0, within(1e-12));
      assertThat(outcome.categories())
          .anySatisfy(
              c -> {
                assertThat(c.category()).isEqualTo("ocr");
                assertThat(c.metrics().get(0).value()).isCloseTo(50.0, within(1e-12));
              });
    }
  }

  @Test
  void refusesToStartWithoutAJudge() {
    Task<VisualQuestion, MmvetTaskProvider.Graded> task =
        new MmvetTaskProvider().create(new MmvetTaskProvider.Spec(null, null, null, 0));
    try (FakeModel model = new FakeModel()) {
      assertThatThrownBy(() -> task.start(model, context(Optional.empty())))
          .isInstanceOf(VlevalException.class)
          .hasMessage(MmvetTaskProvider.NO_JUDGE);
      assertThat(model.imagesEmbedded()).isZero();
    }
  }
}
