package io.vleval.tasks.scienceqa;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.mmbench.MmbenchProvider;
import io.vleval.tasks.outcome.Outcomes;
import io.vleval.tasks.outcome.ProtocolTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ScienceQA-IMG as InternVL-Chat's {@code eval/scienceqa/evaluate_scienceqa.py} runs it: [context +
 * "\n"] + question + "\nA. ..." per choice + "\n" + "Answer with the option's letter from the given
 * choices directly.", greedy decoding with 1 to 100 new tokens; the letter read by the script's
 * {@code post_process} ({@code scorer: internvl}, the default) or by LLaVA's {@code
 * eval_science_qa.py} ({@code scorer: llava}); accuracy (the headline) and ScienceQA's breakdown by
 * subject, context and grade.
 *
 * <p>It asks for {@link MultipleChoiceChat}, as MMBench does: the request is a lettered
 * multiple-choice question whose reply is read as a letter, so every model that answers MMBench
 * answers ScienceQA, and guessing baselines pick among the letters.
 */
public final class ScienceQaTaskProvider implements TaskProvider<ScienceQaTaskProvider.Spec> {

  /** InternVL's (and LLaVA's) ScienceQA instruction. */
  public static final String INSTRUCTION =
      "Answer with the option's letter from the given choices directly.";

  /** Protocol settings. */
  public record Spec(
      @Doc("instruction after the options (default: InternVL's)") String prompt,
      @Doc("maximum new tokens (default 100)") Integer maxNewTokens,
      @Doc("minimum new tokens (default 1)") Integer minNewTokens,
      @Doc(
              "internvl (default: evaluate_scienceqa.py's post_process) or llava"
                  + " (eval_science_qa.py's letter extraction)")
          String scorer,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      prompt = prompt == null ? INSTRUCTION : prompt;
      maxNewTokens = maxNewTokens == null ? 100 : maxNewTokens;
      minNewTokens = minNewTokens == null ? 1 : minNewTokens;
      scorer = scorer == null ? "internvl" : scorer;
      resamples = resamples == null ? 1000 : resamples;
      if (!scorer.equals("internvl") && !scorer.equals("llava")) {
        throw new IllegalArgumentException(
            "scorer must be internvl or llava, got '" + scorer + "'");
      }
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
   * @param letter the letter the scorer read ({@code FAILED} or the reply itself when none)
   */
  public record Answer(
      String sampleId,
      List<String> options,
      String prediction,
      String letter,
      String answer,
      boolean correct,
      String subject,
      String grade,
      boolean hasContext,
      boolean hasImage)
      implements SampleRecord {}

  @Override
  public String type() {
    return "scienceqa";
  }

  @Override
  public String description() {
    return "ScienceQA-IMG: InternVL's prompt, its (or LLaVA's) letter reading, accuracy by subject, context and grade";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return MultipleChoiceQuestion.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(MultipleChoiceChat.class);
  }

  /** InternVL's prompt, stripped as the script strips it. */
  public static String prompt(MultipleChoiceQuestion q, String instruction) {
    return MmbenchProvider.prompt(q, instruction).strip();
  }

  /** The letter {@code scorer} reads from {@code reply}. */
  public static String letter(String reply, List<String> options, String scorer) {
    return scorer.equals("internvl")
        ? ScienceQaAnswers.internVl(reply, options)
        : ScienceQaAnswers.llava(reply);
  }

  @Override
  public Task<MultipleChoiceQuestion, Answer> create(Spec spec) {
    GenerationSettings settings =
        new GenerationSettings(1, spec.minNewTokens(), spec.maxNewTokens(), 1.0);
    Task<MultipleChoiceQuestion, Answer> task =
        Task.of(
            "1",
            MultipleChoiceQuestion.class,
            Answer.class,
            (model, context) -> {
              MultipleChoiceChat chat = model.require(MultipleChoiceChat.class);
              return TaskSession.<MultipleChoiceQuestion, Answer>of(
                  batch -> {
                    List<ChatRequest> requests = new ArrayList<>();
                    for (MultipleChoiceQuestion q : batch) {
                      requests.add(
                          new ChatRequest(
                              q.image() == null ? null : q.image().load(),
                              prompt(q, spec.prompt()),
                              q.letters()));
                    }
                    List<String> replies = chat.answer(requests, settings);
                    List<Answer> out = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                      out.add(answer(batch.get(i), replies.get(i), spec.scorer()));
                    }
                    return out;
                  },
                  records -> outcome(records, spec.resamples(), context.seed()),
                  () -> {});
            });
    return ProtocolTask.named(task, spec.scorer().equals("internvl") ? "reference" : spec.scorer());
  }

  /** The record of one reply. */
  public static Answer answer(MultipleChoiceQuestion q, String reply, String scorer) {
    String letter = letter(reply, q.options(), scorer);
    boolean correct;
    if (scorer.equals("internvl")) {
      correct = letter.equals(q.answer());
    } else {
      correct =
          q.answer() != null
              && ScienceQaAnswers.llavaCorrect(
                  letter, q.options().size(), q.letters().indexOf(q.answer()));
    }
    return new Answer(
        q.id(),
        q.options(),
        reply,
        letter,
        q.answer(),
        correct,
        q.category(),
        q.l2Category(),
        q.hint() != null && !q.hint().isEmpty(),
        q.image() != null);
  }

  /** Accuracy and its breakdown, over the records with an answer. */
  public static TaskOutcome outcome(List<Answer> records, int resamples, long seed) {
    List<ScienceQaScores.Item> items = new ArrayList<>();
    for (Answer a : records) {
      if (a.answer() != null) {
        items.add(
            new ScienceQaScores.Item(
                a.correct(), a.subject(), a.hasContext(), a.hasImage(), a.grade()));
      }
    }
    ScoreOptions options =
        resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
    ScoreTable table = ScienceQaScores.score(items, options.bootstrap());
    List<MetricValue> metrics = new ArrayList<>();
    List<CategoryBreakdown> categories = new ArrayList<>();
    for (MetricValue m : table.metrics()) {
      MetricValue v = Outcomes.metric(m, "");
      if (m.name().equals("accuracy")) {
        metrics.add(v);
      } else {
        long n = groupSize(items, m.name());
        categories.add(
            new CategoryBreakdown(
                m.name(),
                n,
                List.of(new MetricValue("accuracy", v.value(), v.direction(), "", v.interval()))));
      }
    }
    return new TaskOutcome("accuracy", metrics, categories);
  }

  private static long groupSize(List<ScienceQaScores.Item> items, String group) {
    return ScienceQaScores.groupCount(items, group);
  }
}
