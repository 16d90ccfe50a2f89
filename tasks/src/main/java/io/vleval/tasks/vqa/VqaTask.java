package io.vleval.tasks.vqa;

import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.dialogue.VisualQuestions;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The VQA-family task: each question's prompt ({@link VqaProtocol#prompt}) goes to the model's
 * {@link ImageChat} with greedy decoding, the reply is recorded as it came with the question's
 * answers and accuracy, and the scores are the mean accuracy ({@code accuracy}) with a bootstrap
 * interval over questions, broken down by answer type (GQA: binary/open, structural and semantic
 * types). Questions without answers (test splits) are recorded and left out of the scores.
 */
public final class VqaTask {

  private VqaTask() {}

  /** The headline metric. */
  public static final String HEADLINE = "accuracy";

  static Task<VisualQuestion, VqaAnswer> create(VqaProtocol protocol) {
    GenerationSettings settings = protocol.generation();
    Task<VisualQuestion, VqaAnswer> task =
        Task.of(
            "1",
            VisualQuestion.class,
            VqaAnswer.class,
            (model, context) -> {
              ImageChat chat = model.require(ImageChat.class);
              return TaskSession.of(
                  batch -> {
                    List<String> replies =
                        VisualQuestions.ask(chat, batch, protocol::prompt, List.of(), settings);
                    List<VqaAnswer> out = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                      out.add(record(protocol, batch.get(i), replies.get(i)));
                    }
                    return out;
                  },
                  records -> outcome(protocol, records, context.seed()),
                  () -> {});
            });
    return new Task<>() {
      @Override
      public String version() {
        return task.version();
      }

      @Override
      public String protocol() {
        return protocol.label();
      }

      @Override
      public Class<VisualQuestion> sampleType() {
        return task.sampleType();
      }

      @Override
      public Class<VqaAnswer> recordType() {
        return task.recordType();
      }

      @Override
      public TaskSession<VisualQuestion, VqaAnswer> start(Model model, TaskContext context) {
        return task.start(model, context);
      }
    };
  }

  static VqaAnswer record(VqaProtocol protocol, VisualQuestion q, String reply) {
    List<String> groups = new ArrayList<>();
    if (protocol.benchmark() == Benchmark.GQA) {
      String structural = q.attributes().getOrDefault(Benchmark.STRUCTURAL, "");
      String semantic = q.attributes().getOrDefault(Benchmark.SEMANTIC, "");
      groups.addAll(GqaMatch.groups(structural, semantic));
    } else if (q.category() != null && !q.category().isEmpty()) {
      groups.add(q.category());
    }
    Double accuracy = q.answers().isEmpty() ? null : protocol.score(reply, q.answers());
    String answerable = q.attributes().get(Benchmark.ANSWERABLE);
    return new VqaAnswer(
        q.id(),
        q.question(),
        q.attributes().get(Benchmark.IMAGE_ID),
        reply,
        q.answers(),
        groups,
        accuracy,
        protocol.benchmark() == Benchmark.VIZWIZ && answerable != null
            ? !answerable.equals("0")
            : null);
  }

  /**
   * The scores, from the records alone: each answered question's accuracy recomputed under the
   * protocol (against the answers LLaVA's TextVQA lookup finds, where the protocol uses it).
   */
  static TaskOutcome outcome(VqaProtocol protocol, List<VqaAnswer> records, long seed) {
    Map<String, List<String>> lookup = new HashMap<>();
    if (protocol.questionLookup()) {
      for (VqaAnswer r : records) {
        if (!r.answers().isEmpty()) {
          lookup.put(lookupKey(r), r.answers());
        }
      }
    }
    List<VqaAccuracy.Scored> scored = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    List<Boolean> unanswerable = new ArrayList<>();
    List<Boolean> predictedUnanswerable = new ArrayList<>();
    int unanswered = 0;
    for (VqaAnswer r : records) {
      if (r.answers().isEmpty()) {
        unanswered++;
        continue;
      }
      if (r.answerable() != null) {
        unanswerable.add(!r.answerable());
        predictedUnanswerable.add(Unanswerability.predictsUnanswerable(r.prediction()));
      }
      List<String> answers = protocol.questionLookup() ? lookup.get(lookupKey(r)) : r.answers();
      scored.add(new VqaAccuracy.Scored(protocol.score(r.prediction(), answers), r.groups()));
      for (String g : r.groups()) {
        counts.merge(g, 1L, Long::sum);
      }
    }
    ScoreOptions options =
        protocol.resamples() == 0
            ? ScoreOptions.NO_INTERVALS
            : new ScoreOptions(protocol.resamples(), seed, 0.95);
    ScoreTable table = VqaAccuracy.table(protocol.benchmark().type(), HEADLINE, scored, options);
    List<MetricValue> metrics = new ArrayList<>();
    List<CategoryBreakdown> categories = new ArrayList<>();
    for (MetricValue m : Outcomes.metrics(table, name -> true, "")) {
      if (m.name().equals(HEADLINE)) {
        metrics.add(m);
      } else {
        categories.add(
            new CategoryBreakdown(m.name(), counts.getOrDefault(m.name(), 0L), List.of(m)));
      }
    }
    if (!scored.isEmpty() && unanswerable.size() == scored.size()) {
      // VizWiz: every scored question says whether it is answerable
      for (var m :
          Unanswerability.metrics(
              booleans(unanswerable), booleans(predictedUnanswerable), options.bootstrap())) {
        metrics.add(Outcomes.metric(m, ""));
      }
    }
    List<String> warnings = new ArrayList<>();
    if (unanswered > 0) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "%d of %d questions have no answers (a test split): their predictions are recorded"
                  + " and left out of the scores",
              unanswered,
              records.size()));
    }
    return new TaskOutcome(HEADLINE, metrics, categories, warnings);
  }

  static boolean[] booleans(List<Boolean> values) {
    boolean[] out = new boolean[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** LLaVA's {@code eval_textvqa.py} key: (image id, lower-cased question). */
  static String lookupKey(VqaAnswer r) {
    return r.imageId() + "\u0000" + r.question().toLowerCase(Locale.ROOT);
  }
}
