package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.run.ResultFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference segmentation protocol at a tiny budget, run as users run it ({@code vleval run} in
 * its own JVM, one PyTorch thread): on the tiny synthetic suite's scenes (ADE20K layout), the
 * linear probe and the UperNet head on the shipped tiny InternVL-C both learn (well above the best
 * constant prediction) and, at this budget and seed, beat the pixel baseline's head trained under
 * the same protocol. (Across seeds the tiny model wins about two runs in three at this budget: its
 * 4x4 patch grid of 64-d tokens carries little more about shape than 14-px mean colours do; see
 * tasks/README.md.)
 */
class SegmentationHeadsTest {

  @TempDir Path temp;

  private static final String CONFIG =
      """
      run: {name: heads, seed: 0, batch_size: 16}
      models:
        - {name: tiny-internvl, type: internvl, checkpoint: %s, head: c}
        - {name: pixels, type: pixel-baseline}
      datasets:
        - {name: scenes-train, type: synthetic, part: segmentation-train, scale: tiny}
        - {name: scenes-val, type: synthetic, part: segmentation-val, scale: tiny}
      tasks:
        - {name: linear, type: semantic-segmentation, dataset: scenes-val,
           train_dataset: scenes-train, crop_size: 56, iterations: 150, batch_size: 16,
           learning_rate: 0.001, warmup_iterations: 15, resamples: 0}
        - {name: upernet, type: semantic-segmentation, dataset: scenes-val,
           train_dataset: scenes-train, head: upernet, head_channels: 16, crop_size: 56,
           iterations: 150, batch_size: 8, learning_rate: 0.001, warmup_iterations: 15,
           resamples: 0}
      """;

  @Test
  void bothHeadsLearnOnTheTinyInternVlAndBeatThePixelBaselineHere() throws Exception {
    Path checkpoint = Path.of(System.getProperty("vleval.repoRoot"), "models", "tiny-internvl-c");
    Path config = temp.resolve("heads.yaml");
    Files.writeString(config, CONFIG.formatted(checkpoint));
    Path out = temp.resolve("run");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.vleval.cli.Main",
                "run",
                config.toString(),
                "--out",
                out.toString())
            .redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    RunResult result = ResultFiles.read(out);
    for (String task : List.of("linear", "upernet")) {
      TaskResult tiny = find(result, task, "tiny-internvl");
      TaskResult pixels = find(result, task, "pixels");
      assertThat(tiny.protocol()).isEqualTo("reference");
      double mIoU = tiny.metric("mIoU").value();
      assertThat(mIoU).as(task + ": learns").isGreaterThan(constantMIoU(tiny) + 0.05);
      assertThat(mIoU)
          .as(task + ": against the pixel baseline")
          .isGreaterThan(pixels.metric("mIoU").value());
    }
  }

  private static TaskResult find(RunResult result, String task, String model) {
    return result.tasks().stream()
        .filter(t -> t.task().equals(task) && t.model().equals(model))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The mIoU of predicting one class everywhere, the best such class: its IoU is its share of the
   * labelled pixels, every other class scores 0.
   */
  private static double constantMIoU(TaskResult t) {
    long total = 0;
    long best = 0;
    int present = 0;
    for (CategoryBreakdown c : t.categories()) {
      total += c.sampleCount();
      best = Math.max(best, c.sampleCount());
      present += c.sampleCount() > 0 ? 1 : 0;
    }
    return (double) best / total / present;
  }
}
