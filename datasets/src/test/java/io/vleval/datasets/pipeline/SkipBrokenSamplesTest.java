package io.vleval.datasets.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.EmptySpec;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RunListener;
import io.vleval.core.run.RunOptions;
import io.vleval.core.run.Runner;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.testkit.fake.FakeModelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real loader's broken rows through the runner: one line and a stop, or, with on_error: skip,
 * counted records.
 */
class SkipBrokenSamplesTest {

  @TempDir Path temp;

  /** Asks the model each question with its image. */
  public static final class AskTask implements TaskProvider<EmptySpec> {
    /** One answer. */
    public record Answer(String sampleId, String answer) implements SampleRecord {}

    @Override
    public String type() {
      return "ask";
    }

    @Override
    public String description() {
      return "asks";
    }

    @Override
    public Class<EmptySpec> specType() {
      return EmptySpec.class;
    }

    @Override
    public Class<? extends Sample> sampleType() {
      return MultipleChoiceQuestion.class;
    }

    @Override
    public Set<Class<? extends Capability>> requiredCapabilities(EmptySpec spec) {
      return Set.of(MultipleChoiceChat.class);
    }

    @Override
    public Task<MultipleChoiceQuestion, Answer> create(EmptySpec spec) {
      return new Task<>() {
        @Override
        public String version() {
          return "1";
        }

        @Override
        public Class<MultipleChoiceQuestion> sampleType() {
          return MultipleChoiceQuestion.class;
        }

        @Override
        public Class<Answer> recordType() {
          return Answer.class;
        }

        @Override
        public TaskSession<MultipleChoiceQuestion, Answer> start(Model model, TaskContext context) {
          MultipleChoiceChat chat = model.require(MultipleChoiceChat.class);
          return new TaskSession<>() {
            @Override
            public List<Answer> process(List<MultipleChoiceQuestion> batch) {
              List<ChatRequest> requests = new ArrayList<>();
              for (MultipleChoiceQuestion q : batch) {
                requests.add(
                    new ChatRequest(
                        q.image() == null ? null : q.image().load(), q.question(), q.letters()));
              }
              List<String> answers = chat.answer(requests, GenerationSettings.greedy(1));
              List<Answer> out = new ArrayList<>();
              for (int i = 0; i < batch.size(); i++) {
                out.add(new Answer(batch.get(i).id(), answers.get(i)));
              }
              return out;
            }

            @Override
            public TaskOutcome finish(List<Answer> records) {
              return new TaskOutcome(
                  "answered",
                  List.of(MetricValue.higherIsBetter("answered", records.size(), "")),
                  List.of());
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }

  private RunResult run(String onError) throws Exception {
    Path tsv = temp.resolve("mm.tsv");
    String image =
        Base64.getEncoder()
            .encodeToString(
                Files.readAllBytes(SuiteFixture.tiny().resolve("xtd/images/xtd_000000.jpg")));
    Files.writeString(
        tsv,
        "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit\timage\n"
            + "0\tWhich?\t\tx\ty\t\t\tA\tc\tl2\tdev\t"
            + image
            + "\n"
            + "1\tWhich?\t\tonly\t\t\t\tA\tc\tl2\tdev\t0\n"
            + "2\tWhich?\t\tx\ty\t\t\tB\tc\tl2\tdev\tnot-base64!\n"
            + "1000000\tWhich?\t\ty\tx\t\t\tB\tc\tl2\tdev\t0\n");
    Path config = temp.resolve("c-" + onError + ".yaml");
    Files.writeString(
        config,
        """
        models: [{name: rnd, type: fake}]
        datasets: [{name: mm, type: mmbench-tsv, tsv: mm.tsv, on_error: %s}]
        tasks: [{name: ask, type: ask, dataset: mm, batch_size: 2}]
        """
            .formatted(onError));
    PluginRegistry registry =
        PluginRegistry.of(
            List.of(new FakeModelProvider(), new MmbenchTsvProvider(), new AskTask()));
    return new Runner(registry, RunListener.SILENT)
        .run(
            new ConfigLoader(registry).load(config),
            new RunOptions(temp.resolve("run-" + onError), false));
  }

  @Test
  void skipRecordsEachBrokenRowAndScoresTheRest() throws Exception {
    TaskResult t = run("skip").tasks().get(0);
    assertThat(t.sampleCount()).isEqualTo(2);
    assertThat(t.errorCount()).isEqualTo(2);
    List<String> errors = Files.readAllLines(temp.resolve("run-skip/samples/rnd/ask.errors.jsonl"));
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0)).contains("\"sampleId\":\"1\"").contains("fewer than two options");
    assertThat(errors.get(1)).contains("\"sampleId\":\"2\"").contains("not valid base64");
  }

  @Test
  void failStopsAtTheFirstBrokenRowNamingIt() {
    assertThatThrownBy(() -> run("fail"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            temp.resolve("mm.tsv") + ": row 2 (index 1): fewer than two options (columns A, B...)");
  }
}
