package io.vleval.tasks.mmbench;

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
import io.vleval.api.task.Judge;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MMBench as InternVL-Chat's {@code evaluate_mmbench.py} prompts it (hint, question, lettered
 * options, "Answer with the option's letter from the given choices directly."), greedy decoding,
 * scored as VLMEvalKit does: rule-based answer extraction and circular evaluation (a question
 * counts only when every circular shift of its options is answered right), overall and per
 * category. Rows without an answer key (test splits) are recorded but not scored.
 *
 * <p>A reply the rules cannot read scores as no answer (VLMEvalKit's {@code exact_matching}),
 * unless the task names a judge ({@code judge:}): then the judge reads it as VLMEvalKit's LLM
 * matching does ({@link ChoiceJudge}). Each record says how its option was read ({@code
 * extraction}: {@code rule}, {@code judge}, {@code judge-random}, or {@code none}) and keeps the
 * judge's replies.
 */
public final class MmbenchProvider implements TaskProvider<MmbenchProvider.Spec> {

  /** Protocol settings. */
  public record Spec(
      @Doc(
              "instruction appended to the prompt (default: the English one; the CN split uses 请直接回答选项字母。)")
          String instruction,
      @Doc("circular evaluation (default true) or every row on its own") Boolean circular,
      @Doc("maximum new tokens (default 100)") Integer maxNewTokens,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      instruction =
          instruction == null
              ? "Answer with the option's letter from the given choices directly."
              : instruction;
      circular = circular == null ? Boolean.TRUE : circular;
      maxNewTokens = maxNewTokens == null ? 100 : maxNewTokens;
      resamples = resamples == null ? 1000 : resamples;
    }
  }

  /** How a record's option was read from the model's reply. */
  public static final String RULE = "rule";

  /** The rules could not read the reply and the judge did. */
  public static final String JUDGE = "judge";

  /**
   * Neither the rules nor {@value ChoiceJudge#TRIES} judge replies gave an option: a random pick.
   */
  public static final String JUDGE_RANDOM = "judge-random";

  /** The rules could not read the reply and no judge was named: no answer. */
  public static final String NONE = "none";

  /**
   * One answered row.
   *
   * @param extraction how the option was read: {@link #RULE}, {@link #JUDGE}, {@link #JUDGE_RANDOM}
   *     or {@link #NONE}; {@code null} in records written before it existed (read as the rules)
   * @param extracted the option read ({@code Z}: none of them); {@code null} when none was read
   * @param judgeReplies the judge's raw replies, one per ask; empty when it was not asked
   */
  public record Answer(
      String sampleId,
      String questionIndex,
      List<String> options,
      String prediction,
      String answer,
      String category,
      String l2Category,
      String extraction,
      String extracted,
      List<String> judgeReplies)
      implements SampleRecord {
    public Answer {
      judgeReplies = judgeReplies == null ? List.of() : List.copyOf(judgeReplies);
    }

    /** Whether the judge chose the option (its reply, or the random pick after it). */
    public boolean judged() {
      return JUDGE.equals(extraction) || JUDGE_RANDOM.equals(extraction);
    }
  }

  @Override
  public String type() {
    return "mmbench";
  }

  @Override
  public String description() {
    return "MMBench multiple-choice dialogue: reference prompt, VLMEvalKit answer extraction, circular evaluation";
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

  /**
   * The reference prompt: [hint + "\n"] + question + "\nA. ..." per option + "\n" + instruction.
   */
  public static String prompt(MultipleChoiceQuestion q, String instruction) {
    StringBuilder s = new StringBuilder();
    if (q.hint() != null && !q.hint().isBlank()) {
      s.append(q.hint()).append('\n');
    }
    s.append(q.question());
    List<String> letters = q.letters();
    for (int i = 0; i < q.options().size(); i++) {
      s.append('\n').append(letters.get(i)).append(". ").append(q.options().get(i));
    }
    return s.append('\n').append(instruction).toString();
  }

  @Override
  public Task<MultipleChoiceQuestion, Answer> create(Spec spec) {
    GenerationSettings settings = new GenerationSettings(1, 1, spec.maxNewTokens(), 1.0);
    return Task.of(
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
                          prompt(q, spec.instruction()),
                          q.letters()));
                }
                List<String> predictions = chat.answer(requests, settings);
                return answers(batch, predictions, context.judge(), context.seed());
              },
              records -> {
                TaskOutcome outcome = outcome(records, spec, context.seed());
                List<String> warnings = judgeWarnings(records, context.judge());
                return warnings.isEmpty()
                    ? outcome
                    : new TaskOutcome(
                        outcome.headline(), outcome.metrics(), outcome.categories(), warnings);
              },
              () -> {});
        });
  }

  /**
   * The records of a batch: each reply read by the rules, and those the rules cannot read by the
   * judge, when there is one.
   */
  static List<Answer> answers(
      List<MultipleChoiceQuestion> batch,
      List<String> predictions,
      Optional<Judge> judge,
      long seed) {
    String[] extraction = new String[batch.size()];
    String[] extracted = new String[batch.size()];
    List<List<String>> replies = new ArrayList<>();
    List<Integer> unread = new ArrayList<>();
    List<ChoiceJudge.Item> items = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      MultipleChoiceQuestion q = batch.get(i);
      replies.add(List.of());
      Map<String, String> choices = choices(q.options());
      Optional<String> rule = AnswerExtractor.canInfer(predictions.get(i), choices);
      if (rule.isPresent()) {
        extraction[i] = RULE;
        extracted[i] = rule.get();
      } else if (judge.isEmpty()) {
        extraction[i] = NONE;
      } else {
        unread.add(i);
        items.add(new ChoiceJudge.Item(q.id(), q.question(), choices, predictions.get(i)));
      }
    }
    if (!items.isEmpty()) {
      List<ChoiceJudge.Extraction> read = ChoiceJudge.extract(judge.get().chat(), items, seed);
      for (int k = 0; k < unread.size(); k++) {
        int i = unread.get(k);
        ChoiceJudge.Extraction e = read.get(k);
        extraction[i] = e.random() ? JUDGE_RANDOM : JUDGE;
        extracted[i] = e.option();
        replies.set(i, e.replies());
      }
    }
    List<Answer> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      MultipleChoiceQuestion q = batch.get(i);
      out.add(
          new Answer(
              q.id(),
              q.questionIndex(),
              q.options(),
              predictions.get(i),
              q.answer(),
              q.category(),
              q.l2Category(),
              extraction[i],
              extracted[i],
              replies.get(i)));
    }
    return out;
  }

  /** Option letter to option text, in letter order. */
  private static Map<String, String> choices(List<String> options) {
    Map<String, String> choices = new LinkedHashMap<>();
    for (int i = 0; i < options.size(); i++) {
      choices.put(String.valueOf((char) ('A' + i)), options.get(i));
    }
    return choices;
  }

  /** What the results say about the judge's part: how many options it read, how many it guessed. */
  static List<String> judgeWarnings(List<Answer> records, Optional<Judge> judge) {
    long judged = 0;
    long random = 0;
    for (Answer a : records) {
      judged += a.judged() ? 1 : 0;
      random += JUDGE_RANDOM.equals(a.extraction()) ? 1 : 0;
    }
    if (judge.isEmpty() || judged == 0) {
      return List.of();
    }
    return List.of(
        String.format(
            Locale.ROOT,
            "the rules could not read %d of %d replies; judge '%s' read them (%d by a random pick"
                + " after %d unreadable judge replies)",
            judged,
            records.size(),
            judge.get().model(),
            random,
            ChoiceJudge.TRIES));
  }

  static TaskOutcome outcome(List<Answer> records, Spec spec, long seed) {
    List<McqItem> items = new ArrayList<>();
    Map<Long, String> answers = new HashMap<>();
    for (Answer a : records) {
      if (a.answer() == null) {
        continue;
      }
      long index = Long.parseLong(a.sampleId());
      // a judged row scores with the judge's option, which the rules read back as itself
      String prediction = a.judged() ? a.extracted() : a.prediction();
      // a TSV without the column (CCBench has no l2-category) has no such breakdown, as in
      // VLMEvalKit's report_acc, which reads a column only when the file has it
      items.add(
          new McqItem(
              index,
              choices(a.options()),
              prediction,
              blankToNull(a.category()),
              blankToNull(a.l2Category()),
              "dev"));
      answers.put(index, a.answer());
    }
    ScoreOptions options =
        spec.resamples() == 0
            ? ScoreOptions.NO_INTERVALS
            : new ScoreOptions(spec.resamples(), seed, 0.95);
    ScoreTable table = MultipleChoiceScoring.score(items, answers, spec.circular(), options);
    List<MetricValue> all = Outcomes.metrics(table, name -> true, "");
    List<MetricValue> metrics = new ArrayList<>();
    List<CategoryBreakdown> categories = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    for (Answer a : records) {
      if (a.answer() != null && (!spec.circular() || Long.parseLong(a.sampleId()) < 1_000_000)) {
        if (blankToNull(a.category()) != null) {
          counts.merge(a.category(), 1L, Long::sum);
        }
        if (blankToNull(a.l2Category()) != null) {
          counts.merge(a.l2Category(), 1L, Long::sum);
        }
      }
    }
    for (MetricValue m : all) {
      if (m.name().equals("Overall")) {
        metrics.add(m);
      } else {
        categories.add(
            new CategoryBreakdown(m.name(), counts.getOrDefault(m.name(), 0L), List.of(m)));
      }
    }
    return new TaskOutcome("Overall", metrics, categories);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
