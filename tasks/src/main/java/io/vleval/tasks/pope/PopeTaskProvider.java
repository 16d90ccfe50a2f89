package io.vleval.tasks.pope;

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
import java.util.Map;
import java.util.Set;

/**
 * POPE as InternVL-Chat's {@code eval/pope/evaluate_pope.py} runs it: the question, a line break
 * and "Answer the question using a single word or phrase.", greedy decoding with 1 to 100 new
 * tokens; each reply read as POPE's {@code evaluate.py} reads it and scored per split, headline the
 * mean F1 of the splits (InternVL's "Overall F1").
 */
public final class PopeTaskProvider implements TaskProvider<PopeTaskProvider.Spec> {

  /** InternVL's POPE instruction (LLaVA's, which its question file carries). */
  public static final String INSTRUCTION = "Answer the question using a single word or phrase.";

  /** Protocol settings. */
  public record Spec(
      @Doc("instruction after the question and a line break (default: InternVL's)") String prompt,
      @Doc("maximum new tokens (default 100)") Integer maxNewTokens,
      @Doc("minimum new tokens (default 1)") Integer minNewTokens,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      prompt = prompt == null ? INSTRUCTION : prompt;
      maxNewTokens = maxNewTokens == null ? 100 : maxNewTokens;
      minNewTokens = minNewTokens == null ? 1 : minNewTokens;
      resamples = resamples == null ? 1000 : resamples;
      if (maxNewTokens < 1 || minNewTokens < 0 || minNewTokens > maxNewTokens) {
        throw new IllegalArgumentException(
            "need 0 <= min_new_tokens <= max_new_tokens and max_new_tokens >= 1");
      }
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be 0 or more, got " + resamples);
      }
    }
  }

  /**
   * One answered question.
   *
   * @param reading how POPE reads the reply: {@code yes} or {@code no}
   */
  public record Reply(
      String sampleId, String split, String label, String prediction, String reading)
      implements SampleRecord {}

  @Override
  public String type() {
    return "pope";
  }

  @Override
  public String description() {
    return "POPE object hallucination: InternVL's prompt, POPE's yes/no reading, F1 per split and their mean";
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

  /** InternVL's prompt: {@code (question + "\n" + instruction).strip()}. */
  public static String prompt(String question, String instruction) {
    return (question + "\n" + instruction).strip();
  }

  @Override
  public Task<VisualQuestion, Reply> create(Spec spec) {
    GenerationSettings settings =
        new GenerationSettings(1, spec.minNewTokens(), spec.maxNewTokens(), 1.0);
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
                      String reply = replies.get(i);
                      out.add(
                          new Reply(
                              q.id(),
                              q.category(),
                              q.answers().isEmpty() ? null : q.answers().get(0),
                              reply,
                              PopeAnswers.saysYes(reply) ? "yes" : "no"));
                    }
                    return out;
                  },
                  records -> outcome(records, spec.resamples(), context.seed()),
                  () -> {});
            });
    return ProtocolTask.named(task, "reference");
  }

  /** The scores of the records that have a label. */
  public static TaskOutcome outcome(List<Reply> records, int resamples, long seed) {
    List<PopeScores.Item> items = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    for (Reply r : records) {
      if (r.label() == null) {
        continue;
      }
      items.add(
          new PopeScores.Item(
              r.split(), PopeAnswers.labelIsYes(r.label()), r.reading().equals("yes")));
      counts.merge(r.split(), 1L, Long::sum);
    }
    ScoreOptions options =
        resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
    return YesNoOutcomes.of("F1", PopeScores.score(items, options.bootstrap()), counts, "");
  }
}
