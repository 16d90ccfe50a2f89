package io.vleval.tasks.mme;

import io.vleval.api.model.Capability;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.dialogue.VisualQuestions;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.ProtocolTask;
import io.vleval.tasks.outcome.YesNoOutcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * MME as InternVL-Chat's {@code eval/mme/eval.py} runs it: the question, a space and "Answer the
 * question using a single word or phrase.", greedy decoding with at most 20 new tokens, the reply
 * post-processed as the script does ({@code scorer: internvl}, the default) or kept as it is
 * ({@code scorer: mme}), then read and scored by MME's {@code calculation.py}: acc and acc+ per
 * subtask, the perception and cognition sums and their total (the headline).
 */
public final class MmeTaskProvider implements TaskProvider<MmeTaskProvider.Spec> {

  /** InternVL's MME instruction. */
  public static final String INSTRUCTION = "Answer the question using a single word or phrase.";

  /** Protocol settings. */
  public record Spec(
      @Doc("instruction after the question and a space (default: InternVL's)") String prompt,
      @Doc("maximum new tokens (default 20)") Integer maxNewTokens,
      @Doc(
              "internvl (default: InternVL's post-processing, then MME's calculation.py) or mme"
                  + " (calculation.py on the raw reply)")
          String scorer,
      @Doc("bootstrap resamples over images (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      prompt = prompt == null ? INSTRUCTION : prompt;
      maxNewTokens = maxNewTokens == null ? 20 : maxNewTokens;
      scorer = scorer == null ? "internvl" : scorer;
      resamples = resamples == null ? 1000 : resamples;
      if (!scorer.equals("internvl") && !scorer.equals("mme")) {
        throw new IllegalArgumentException("scorer must be internvl or mme, got '" + scorer + "'");
      }
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("max_new_tokens must be at least 1");
      }
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be 0 or more, got " + resamples);
      }
    }
  }

  /**
   * One answered question.
   *
   * @param scored the reply as the scorer reads it (post-processed under {@code internvl})
   * @param reading {@code yes}, {@code no} or {@code other}
   */
  public record Reply(
      String sampleId,
      String subtask,
      String image,
      String answer,
      String prediction,
      String scored,
      String reading)
      implements SampleRecord {}

  @Override
  public String type() {
    return "mme";
  }

  @Override
  public String description() {
    return "MME perception and cognition: InternVL's prompt, MME's calculation.py (acc, acc+, sums)";
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

  /** InternVL's prompt: {@code question + " " + instruction}. */
  public static String prompt(String question, String instruction) {
    return question + " " + instruction;
  }

  /** The reply as the chosen scorer reads it. */
  public static String scored(String reply, String scorer) {
    return scorer.equals("internvl") ? MmeAnswers.internVlPostProcess(reply) : reply;
  }

  @Override
  public Task<VisualQuestion, Reply> create(Spec spec) {
    GenerationSettings settings = GenerationSettings.greedy(spec.maxNewTokens());
    Task<VisualQuestion, Reply> task =
        Task.of(
            "1",
            VisualQuestion.class,
            Reply.class,
            (model, context) -> {
              ImageChat chat = model.require(ImageChat.class);
              return TaskSession.<VisualQuestion, Reply>of(
                  batch -> {
                    List<String> replies =
                        VisualQuestions.ask(
                            chat,
                            batch,
                            q -> prompt(q.question(), spec.prompt()),
                            List.of("Yes", "No"),
                            settings);
                    List<Reply> out = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                      VisualQuestion q = batch.get(i);
                      String scored = scored(replies.get(i), spec.scorer());
                      out.add(
                          new Reply(
                              q.id(),
                              q.category(),
                              q.attributes().getOrDefault("image", q.id()),
                              q.answers().isEmpty() ? null : q.answers().get(0),
                              replies.get(i),
                              scored,
                              MmeAnswers.parse(scored).name().toLowerCase(Locale.ROOT)));
                    }
                    return out;
                  },
                  records -> outcome(records, spec.resamples(), context.seed()),
                  () -> {});
            });
    return ProtocolTask.named(task, spec.scorer().equals("internvl") ? "reference" : spec.scorer());
  }

  /** The scores of the records that have an answer. */
  public static TaskOutcome outcome(List<Reply> records, int resamples, long seed) {
    List<MmeScores.Item> items = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    for (Reply r : records) {
      if (r.answer() == null) {
        continue;
      }
      items.add(
          new MmeScores.Item(
              r.subtask(),
              r.image(),
              MmeAnswers.label(r.answer()),
              MmeAnswers.Reading.valueOf(r.reading().toUpperCase(Locale.ROOT))));
      counts.merge(r.subtask(), 1L, Long::sum);
    }
    ScoreOptions options =
        resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
    return YesNoOutcomes.of("total", MmeScores.score(items, options.bootstrap()), counts, "");
  }
}
