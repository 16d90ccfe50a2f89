package io.vleval.tasks.mmvet;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Judge;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.dialogue.VisualQuestions;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import io.vleval.tasks.outcome.ProtocolTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * MM-Vet as InternVL-Chat's {@code eval/mmvet/evaluate_mmvet.py} asks it (the question, a space and
 * an empty instruction; greedy decoding with 1 to 1000 new tokens) and as {@code
 * mm-vet_evaluator.py} grades it: each reply is graded by the task's judge model ({@code judge:})
 * with MM-Vet's few-shot grader prompt, a grade in [0, 1] per sample, reported as 100 x the mean
 * grade in total (the headline) and per capability. The grade and the judge's replies are recorded
 * with each sample, so the scores depend on the records alone. Without a judge the task does not
 * run.
 */
public final class MmvetTaskProvider implements TaskProvider<MmvetTaskProvider.Spec> {

  /** Protocol settings. */
  public record Spec(
      @Doc("instruction after the question and a space (default: none, as InternVL)") String prompt,
      @Doc("maximum new tokens of the model's reply (default 1000)") Integer maxNewTokens,
      @Doc("maximum new tokens of the judge's grade (default 3, the evaluator's max_tokens)")
          Integer judgeMaxNewTokens,
      @Doc("bootstrap resamples over samples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      prompt = prompt == null ? "" : prompt;
      maxNewTokens = maxNewTokens == null ? 1000 : maxNewTokens;
      judgeMaxNewTokens = judgeMaxNewTokens == null ? MmvetGrading.MAX_TOKENS : judgeMaxNewTokens;
      resamples = resamples == null ? 1000 : resamples;
      if (maxNewTokens < 1 || judgeMaxNewTokens < 1) {
        throw new IllegalArgumentException(
            "max_new_tokens and judge_max_new_tokens must be at least 1");
      }
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be 0 or more, got " + resamples);
      }
    }
  }

  /**
   * One graded reply.
   *
   * @param capabilities the sample's capabilities
   * @param score the judge's grade in [0, 1]
   * @param gradeContent the judge's last reply as the evaluator keeps it
   * @param judgeReplies every raw reply of the judge, retries included
   * @param judge the judge model's name
   */
  public record Graded(
      String sampleId,
      List<String> capabilities,
      String answer,
      String prediction,
      double score,
      String gradeContent,
      List<String> judgeReplies,
      String judge)
      implements SampleRecord {}

  @Override
  public String type() {
    return "mmvet";
  }

  @Override
  public String description() {
    return "MM-Vet: open-ended replies graded by a judge model with MM-Vet's grader prompt, total and per capability";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return VisualQuestion.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(ImageChat.class);
  }

  @Override
  public boolean needsJudge(Spec spec) {
    return true;
  }

  /** The message when no judge was configured. */
  public static final String NO_JUDGE =
      "task type mmvet grades replies with a judge model and has none: name one in the task's"
          + " 'judge:' key (a model with ImageChat, e.g. an openai-compatible GPT-4 endpoint)";

  /** InternVL's prompt: {@code question + " " + instruction}. */
  public static String prompt(String question, String instruction) {
    return question + " " + instruction;
  }

  @Override
  public Task<VisualQuestion, Graded> create(Spec spec) {
    GenerationSettings settings = new GenerationSettings(1, 1, spec.maxNewTokens(), 1.0);
    GenerationSettings grading = GenerationSettings.greedy(spec.judgeMaxNewTokens());
    Task<VisualQuestion, Graded> task =
        Task.of(
            "1",
            VisualQuestion.class,
            Graded.class,
            (model, context) -> {
              Judge judge = context.judge().orElseThrow(() -> new VlevalException(NO_JUDGE));
              ImageChat chat = model.require(ImageChat.class);
              return TaskSession.<VisualQuestion, Graded>of(
                  batch -> {
                    List<String> replies =
                        VisualQuestions.ask(
                            chat,
                            batch,
                            q -> prompt(q.question(), spec.prompt()),
                            List.of(),
                            settings);
                    List<Graded> out = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                      out.add(grade(batch.get(i), replies.get(i), judge, grading));
                    }
                    return out;
                  },
                  records -> outcome(records, spec.resamples(), context.seed()),
                  () -> {});
            });
    return ProtocolTask.named(task, "reference");
  }

  /** Grades one reply with the judge, as the evaluator does. */
  public static Graded grade(
      VisualQuestion q, String reply, Judge judge, GenerationSettings grading) {
    String answer = q.answers().isEmpty() ? null : q.answers().get(0);
    List<String> caps = capabilities(q);
    if (answer == null) {
      // no ground truth (a test split): recorded, not graded, not scored
      return new Graded(q.id(), caps, null, reply, 0.0, null, List.of(), judge.model());
    }
    MmvetGrading.Grade g =
        MmvetGrading.grade(
            q.question(),
            answer,
            reply,
            p ->
                judge.chat().respond(List.of(new ChatRequest(null, p, List.of())), grading).get(0));
    return new Graded(
        q.id(), caps, answer, reply, g.score(), g.content(), g.replies(), judge.model());
  }

  private static List<String> capabilities(VisualQuestion q) {
    String joined = q.attributes().getOrDefault("capability", q.category());
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
  }

  /** Total and per-capability scores of the graded records. */
  public static TaskOutcome outcome(List<Graded> records, int resamples, long seed) {
    List<MmvetScores.Item> items = new ArrayList<>();
    for (Graded g : records) {
      if (g.answer() != null) {
        items.add(new MmvetScores.Item(g.capabilities(), g.score()));
      }
    }
    ScoreOptions options =
        resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
    ScoreTable table = MmvetScores.score(items, options.bootstrap());
    List<MetricValue> metrics = new ArrayList<>();
    List<CategoryBreakdown> categories = new ArrayList<>();
    for (MetricValue m : table.metrics()) {
      MetricValue v = Outcomes.metric(m, "%");
      if (m.name().equals("total")) {
        metrics.add(v);
      } else {
        long n = items.stream().filter(i -> i.capabilities().contains(m.name())).count();
        categories.add(
            new CategoryBreakdown(
                m.name(),
                n,
                List.of(new MetricValue("score", v.value(), v.direction(), "%", v.interval()))));
      }
    }
    return new TaskOutcome("total", metrics, categories);
  }
}
