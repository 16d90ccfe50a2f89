package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.MetricValue;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line {@code vleval run} prints when a task ends. */
class ProgressPrinterTest {

  private static String finished(TaskResult result) {
    StringWriter err = new StringWriter();
    new ProgressPrinter(
            new Console(new PrintWriter(new StringWriter()), new PrintWriter(err), false))
        .taskFinished(result);
    return err.toString();
  }

  private static TaskResult result(long skipped, long failed, List<String> warnings) {
    return new TaskResult(
        "segmentation",
        "semantic-segmentation",
        "1",
        "pixels",
        "scenes-val",
        "mIoU",
        List.of(MetricValue.higherIsBetter("mIoU", 0.25, "")),
        List.of(),
        20,
        skipped + failed,
        1.25,
        16,
        skipped,
        failed,
        TaskStatus.SCORED,
        warnings,
        null);
  }

  @Test
  void showsTheCountsOfSkippedAndFailedSamplesWhenThereAreAny() {
    assertThat(finished(result(0, 0, List.of())))
        .isEqualTo(
            "[pixels] segmentation: mIoU = 0.2500 (20 samples, 1.3 s)" + System.lineSeparator());
    assertThat(finished(result(2, 1, List.of())))
        .startsWith(
            "[pixels] segmentation: mIoU = 0.2500 (20 samples, 2 skipped (unreadable), 1 failed,"
                + " 1.3 s)");
  }

  @Test
  void printsEachWarningOfTheTaskOnItsOwnLine() {
    assertThat(finished(result(0, 0, List.of("3 of 20 label maps hold values outside ..."))))
        .contains(
            System.lineSeparator()
                + "[pixels] segmentation: warning: 3 of 20 label maps hold values outside ..."
                + System.lineSeparator());
  }
}
