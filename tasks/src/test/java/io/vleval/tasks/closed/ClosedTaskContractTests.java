package io.vleval.tasks.closed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.task.SampleRecord;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.tasks.mme.MmeTaskProvider;
import io.vleval.tasks.pope.PopeTaskProvider;
import io.vleval.tasks.scienceqa.ScienceQaTaskProvider;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * POPE, MME and ScienceQA pass the task contract on the synthetic suite's layouts with the test
 * kit's fake model (which answers every closed question with its first choice: "Yes", or "A"), and
 * their headlines equal what the records say, recomputed here by hand.
 */
class ClosedTaskContractTests {
  private static Path cache;

  static synchronized Dataset<? extends Sample> part(Part part) {
    if (cache == null) {
      try {
        cache = Files.createTempDirectory("vleval-closed-suite");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new SyntheticDatasetProvider()
        .open(
            new SyntheticDatasetProvider.Spec(part, Scale.TINY, 3L, null, cache),
            new PluginContext(0, cache, 1));
  }

  @Nested
  class Pope extends TaskProviderContractTest<PopeTaskProvider.Spec> {
    @Override
    protected TaskProvider<PopeTaskProvider.Spec> provider() {
      return new PopeTaskProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "resamples: 50\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("resample: 50\n", "resample");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return part(Part.POPE);
    }

    @Test
    void allYesRepliesScoreRecallOneAndHalfPrecision() {
      Run run = runOnce(1);
      List<SampleRecord> records = run.records();
      assertThat(records)
          .allSatisfy(r -> assertThat(((PopeTaskProvider.Reply) r).reading()).isEqualTo("yes"));
      long yes =
          records.stream().filter(r -> ((PopeTaskProvider.Reply) r).label().equals("yes")).count();
      double precision = (double) yes / records.size();
      double f1 = 2 * precision / (precision + 1);
      assertThat(run.outcome().headline()).isEqualTo("F1");
      assertThat(run.outcome().metrics().get(0).value()).isCloseTo(f1, within(1e-12));
      assertThat(run.outcome().categories())
          .extracting(c -> c.category())
          .containsExactly("adversarial", "popular", "random");
    }
  }

  @Nested
  class Mme extends TaskProviderContractTest<MmeTaskProvider.Spec> {
    @Override
    protected TaskProvider<MmeTaskProvider.Spec> provider() {
      return new MmeTaskProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "resamples: 50\nscorer: mme\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("scorer: lavin\n", "scorer");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return part(Part.MME);
    }

    @Test
    void yesToEveryQuestionScoresHalfAccuracyAndNoAccPlus() {
      Run run = runOnce(1);
      // every image has one Yes and one No question: acc 0.5, acc+ 0, 50 points a subtask
      int subtasks = run.outcome().categories().size();
      assertThat(subtasks).isEqualTo(3);
      assertThat(run.outcome().metrics().get(0).name()).isEqualTo("total");
      assertThat(run.outcome().metrics().get(0).value()).isCloseTo(50.0 * subtasks, within(1e-9));
      // the synthetic subtasks are all perception: no cognition sum that would read as 0
      assertThat(run.outcome().metrics())
          .extracting(m -> m.name())
          .containsExactly("total", "perception");
    }
  }

  @Nested
  class ScienceQa extends TaskProviderContractTest<ScienceQaTaskProvider.Spec> {
    @Override
    protected TaskProvider<ScienceQaTaskProvider.Spec> provider() {
      return new ScienceQaTaskProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "resamples: 50\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("scorer: gpt\n", "scorer");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return part(Part.SCIENCEQA);
    }

    @Test
    void accuracyIsTheShareOfQuestionsWhoseAnswerIsA() {
      Run run = runOnce(1);
      double a =
          run.records().stream()
              .mapToDouble(r -> ((ScienceQaTaskProvider.Answer) r).answer().equals("A") ? 1 : 0)
              .average()
              .orElseThrow();
      assertThat(run.outcome().metrics().get(0).name()).isEqualTo("accuracy");
      assertThat(run.outcome().metrics().get(0).value()).isEqualTo(a);
    }
  }
}
