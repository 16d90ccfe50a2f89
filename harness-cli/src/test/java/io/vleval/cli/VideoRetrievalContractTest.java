package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.Sample;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.model.baseline.PixelBaselineProvider;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.tasks.retrieval.VideoRetrievalProvider;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The video retrieval task passes the task contract on the synthetic suite's MSR-VTT part (the
 * {@code msrvtt} loader's layout) with the shipped tiny InternVL-C ({@code models/tiny-internvl-c})
 * and with the pixel baseline. It lives here because only this module sees both the tasks and the
 * InternVL model.
 */
class VideoRetrievalContractTest {

  private static Path cache;

  static synchronized Path cache() {
    if (cache == null) {
      try {
        cache = Files.createTempDirectory("vleval-video-retrieval");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SyntheticDatasetProvider.ensureSuite(cache, Scale.TINY, 3, 2);
    }
    return cache;
  }

  static Dataset<? extends Sample> msrvtt() {
    return new SyntheticDatasetProvider()
        .open(
            new SyntheticDatasetProvider.Spec(
                SyntheticDatasetProvider.Part.MSRVTT, Scale.TINY, 3L, null, cache()),
            new PluginContext(0, cache(), 1));
  }

  abstract static class OnTheMsrvttPart
      extends TaskProviderContractTest<VideoRetrievalProvider.Spec> {
    @Override
    protected TaskProvider<VideoRetrievalProvider.Spec> provider() {
      return new VideoRetrievalProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "frames: 8\nresamples: 50\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("frames: 0\n", "frames");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return msrvtt();
    }

    /** Every recall of both directions and their mean, each a fraction with an interval. */
    @Test
    void reportsRecallAtOneFiveTenBothWaysAndTheirMean() {
      Run run = runOnce(1);
      assertThat(run.records()).hasSize(12);
      assertThat(run.outcome().headline()).isEqualTo("mean_recall");
      assertThat(run.outcome().metrics())
          .extracting(MetricValue::name)
          .containsExactly(
              "t2v_retrieval_recall@1",
              "t2v_retrieval_recall@5",
              "t2v_retrieval_recall@10",
              "v2t_retrieval_recall@1",
              "v2t_retrieval_recall@5",
              "v2t_retrieval_recall@10",
              "mean_recall");
      double sum = 0;
      for (MetricValue m : run.outcome().metrics()) {
        assertThat(m.value()).as(m.name()).isBetween(0.0, 1.0);
        assertThat(m.interval()).as(m.name()).isNotNull();
        sum += m.name().equals("mean_recall") ? 0 : m.value();
      }
      assertThat(run.outcome().metrics().get(6).value()).isCloseTo(sum / 6, within());
    }

    private static Offset<Double> within() {
      return Offset.offset(1e-12);
    }
  }

  @Nested
  class TinyInternVl extends OnTheMsrvttPart {
    @Override
    protected Model model() {
      Path checkpoint = Path.of(System.getProperty("vleval.repoRoot"), "models", "tiny-internvl-c");
      return new InternVlProvider()
          .load(
              new InternVlSpec(
                  checkpoint, null, "cpu", null, null, InternVlSpec.Head.C, null, null),
              new PluginContext(0, cache(), 1));
    }
  }

  @Nested
  class Pixels extends OnTheMsrvttPart {
    @Override
    protected Model model() {
      return new PixelBaselineProvider()
          .load(new PixelBaselineProvider.Spec(4), new PluginContext(0, cache(), 1));
    }
  }
}
