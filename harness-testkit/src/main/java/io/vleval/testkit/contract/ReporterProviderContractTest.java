package io.vleval.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.Provenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What every reporter promises: it renders a finished run into the run directory, the same way each
 * time.
 */
public abstract class ReporterProviderContractTest<S extends Record> extends PluginContractTest<S> {

  @Override
  protected abstract ReporterProvider<S> provider();

  /** A small finished run with a NaN, an interval and a category breakdown. */
  public static RunResult sampleResult() {
    MetricValue acc =
        MetricValue.higherIsBetter("top1", 0.75, "")
            .withInterval(new ConfidenceInterval(0.6, 0.9, 0.95, 1000));
    MetricValue nan = MetricValue.higherIsBetter("mean_per_class_recall", Double.NaN, "");
    TaskResult task =
        new TaskResult(
            "zs",
            "zero-shot-classification",
            "1",
            "m",
            "d",
            "top1",
            List.of(acc, nan),
            List.of(new CategoryBreakdown("<script>alert(1)</script>", 2, List.of(acc))),
            4,
            0,
            1.5,
            2.7);
    Provenance p =
        new Provenance(
            "0.0.0",
            "java",
            "os",
            1,
            List.of(new ModelProvenance("m", "random", "abc", "java", "cpu")),
            List.of(new DatasetProvenance("d", "imagefolder", "f00d", 4, "/data", List.of())));
    return new RunResult(
        RunResult.SCHEMA_VERSION,
        "run-1",
        "sample",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:01Z",
        "run: {}\n",
        "0".repeat(64),
        p,
        List.of(task));
  }

  private static String snapshot(Path dir) throws IOException {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.append(dir.relativize(f)).append('\n').append(Files.readString(f)).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void rendersAFinishedRunTheSameWayTwice() throws IOException {
    Path a = Files.createDirectories(temp.resolve("a"));
    Path b = Files.createDirectories(temp.resolve("b"));
    provider().report(exampleSpec(), sampleResult(), a);
    provider().report(exampleSpec(), sampleResult(), b);
    String first = snapshot(a);
    assertThat(first).as("the reporter writes something").isNotBlank();
    assertThat(snapshot(b)).isEqualTo(first);
  }
}
