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
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.multiplechoice.McqItem;
import io.vleval.tasks.metrics.scoring.MultipleChoiceScoring;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MMBench as InternVL-Chat's {@code evaluate_mmbench.py} prompts it (hint, question, lettered
 * options, "Answer with the option's letter from the given choices directly."), greedy decoding,
 * scored as VLMEvalKit does: rule-based answer extraction and circular evaluation (a question
 * counts only when every circular shift of its options is answered right), overall and per
 * category. Rows without an answer key (test splits) are recorded but not scored.
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

  /** One answered row. */
  public record Answer(
      String sampleId,
      String questionIndex,
      List<String> options,
      String prediction,
      String answer,
      String category,
      String l2Category)
      implements SampleRecord {}

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
                          q.l2Category()));
                }
                return out;
              },
              records -> {
                return outcome(records, spec, context.seed());
              },
              () -> {});
        });
  }

  static TaskOutcome outcome(List<Answer> records, Spec spec, long seed) {
    List<McqItem> items = new ArrayList<>();
    Map<Long, String> answers = new HashMap<>();
    for (Answer a : records) {
      if (a.answer() == null) {
        continue;
      }
      long index = Long.parseLong(a.sampleId());
      Map<String, String> choices = new LinkedHashMap<>();
      for (int i = 0; i < a.options().size(); i++) {
        choices.put(String.valueOf((char) ('A' + i)), a.options().get(i));
      }
      // a TSV without the column (CCBench has no l2-category) has no such breakdown, as in
      // VLMEvalKit's report_acc, which reads a column only when the file has it
      items.add(
          new McqItem(
              index,
              choices,
              a.prediction(),
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
