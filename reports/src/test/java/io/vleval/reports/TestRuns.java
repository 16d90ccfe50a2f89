package io.vleval.reports;

import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.Provenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import io.vleval.results.ResultCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Handcrafted run directories for the reports' tests, with hostile text where users' text can
 * appear.
 */
public final class TestRuns {
  private TestRuns() {}

  public static final String SCRIPT = "<script>alert(1)</script>";
  public static final String IMG = "\"><img src=x onerror=alert(2)>";
  public static final String JS_URL = "javascript:alert(3)";

  private static MetricValue m(String name, double v, double lo, double hi) {
    return new MetricValue(
        name, v, Direction.HIGHER_IS_BETTER, "%", new ConfidenceInterval(lo, hi, 0.95, 1000));
  }

  /** Two models, two tasks; the captioning task's categories and samples carry hostile text. */
  public static RunResult result(String runId, double shift) {
    TaskResult rndCls =
        new TaskResult(
            "zero-shot",
            "zero-shot-classification",
            "1",
            "rnd",
            "val",
            "top1",
            List.of(m("top1", 10 + shift, 8 + shift, 12 + shift), m("top5", 50 + shift, 45, 55)),
            List.of(
                new CategoryBreakdown(SCRIPT, 3, List.of(m("top1", 33.3, 0, 66))),
                new CategoryBreakdown(IMG, 2, List.of(m("top1", 0, 0, 0))),
                new CategoryBreakdown(JS_URL, 1, List.of(m("top1", 100, 100, 100)))),
            6,
            0,
            1.25,
            4.8);
    TaskResult pixCls =
        new TaskResult(
            "zero-shot",
            "zero-shot-classification",
            "1",
            "pixels",
            "val",
            "top1",
            List.of(m("top1", 42 + shift, 38 + shift, 46 + shift), m("top5", 80, 75, 85)),
            List.of(),
            6,
            0,
            0.5,
            12);
    TaskResult rndCap =
        new TaskResult(
            "captions",
            "captioning",
            "2",
            "rnd",
            "coco",
            "CIDEr",
            List.of(
                new MetricValue("CIDEr", 0.31 + shift / 100, Direction.HIGHER_IS_BETTER, "", null),
                new MetricValue("BLEU-4", Double.NaN, Direction.HIGHER_IS_BETTER, "", null)),
            List.of(),
            4,
            1,
            2,
            2);
    Provenance p =
        new Provenance(
            "0.1.0",
            "Java 17",
            "Linux amd64",
            42,
            List.of(
                new ModelProvenance("rnd", "random", "sha256:aa", "java", "cpu"),
                new ModelProvenance("pixels", "pixel-baseline", "sha256:bb", "java", "cpu")),
            List.of(
                new DatasetProvenance("val", "imagefolder", "fp-val", 6, "/data/val", List.of()),
                new DatasetProvenance(
                    "coco", "coco-captions", "fp-coco", 4, "/data/" + SCRIPT, List.of(IMG))));
    String config =
        """
        run:
          name: suite
          seed: 42
        models:
          - name: rnd
            type: random
            embedding_size: 64
          - name: pixels
            type: pixel-baseline
        datasets:
          - name: val
            type: imagefolder
            root: val
          - name: coco
            type: coco-captions
            root: coco
        tasks:
          - name: zero-shot
            type: zero-shot-classification
            dataset: val
            batch_size: 16
            prompt: "%s"
          - name: captions
            type: captioning
            dataset: coco
        """
            .formatted(IMG.replace("\"", "\\\""));
    return new RunResult(
        RunResult.SCHEMA_VERSION,
        runId,
        "suite",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:01:00Z",
        config,
        "ab".repeat(32),
        p,
        List.of(rndCls, pixCls, rndCap));
  }

  /**
   * The quickstart's shape: four models by {@code count} tasks, with the quickstart's task, metric
   * and dataset names (its eight tasks, then again with a suffix), intervals on every score.
   */
  public static RunResult manyTasks(String runId, double shift, int count) {
    String[][] tasks = {
      {"zero-shot", "zero-shot-classification", "acc1", "shapes-val"},
      {"linear-probe", "linear-probe", "acc1", "shapes-val"},
      {"segmentation", "semantic-segmentation", "mIoU", "scenes-val"},
      {"video", "zero-shot-video-classification", "acc1_acc5_mean", "clips-val"},
      {"retrieval", "retrieval", "mean_recall", "captions-test"},
      {"retrieval-zh", "retrieval", "mean_recall", "xtd-zh"},
      {"captioning", "captioning", "CIDEr", "captions-test"},
      {"mmbench", "mmbench", "circular_accuracy", "questions"}
    };
    String[] models = {"tiny-internvl", "tiny-internvl-chat", "random", "pixels"};
    List<TaskResult> results = new ArrayList<>();
    List<DatasetProvenance> datasets = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      String[] base = tasks[t % tasks.length];
      String suffix = t < tasks.length ? "" : "-" + (t / tasks.length + 1);
      String[] task = {base[0] + suffix, base[1], base[2], base[3] + suffix};
      if (datasets.stream().noneMatch(d -> d.name().equals(task[3]))) {
        datasets.add(
            new DatasetProvenance(task[3], "synthetic", "fp-" + task[3], 120, "/d", List.of()));
      }
      for (int i = 0; i < models.length; i++) {
        double v = 0.123456 * (t + 1) + 0.0731 * i + shift;
        results.add(
            new TaskResult(
                task[0],
                task[1],
                "1",
                models[i],
                task[3],
                task[2],
                List.of(
                    new MetricValue(
                        task[2],
                        v,
                        Direction.HIGHER_IS_BETTER,
                        "",
                        new ConfidenceInterval(v - 0.0312, v + 0.0287, 0.95, 1000))),
                List.of(),
                120,
                0,
                1,
                100));
      }
    }
    List<ModelProvenance> modelProvenance = new ArrayList<>();
    for (String m : models) {
      modelProvenance.add(new ModelProvenance(m, "internvl", "sha256:" + m, "java", "cpu"));
    }
    return new RunResult(
        RunResult.SCHEMA_VERSION,
        runId,
        "quickstart",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:01:00Z",
        "run: {name: quickstart}\n",
        "cd".repeat(32),
        new Provenance("0.1.0", "Java 17", "Linux amd64", 0, modelProvenance, datasets),
        results);
  }

  /**
   * Writes a run directory: results.json, samples with hostile captions, and optionally gates.json.
   */
  public static Path write(Path dir, RunResult result, GateReport gates) throws IOException {
    Files.createDirectories(dir.resolve("samples/rnd"));
    Files.createDirectories(dir.resolve("samples/pixels"));
    Files.writeString(dir.resolve("results.json"), ResultCodec.json(result, true));
    StringBuilder cls = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      cls.append("{\"sampleId\":\"img-")
          .append(i)
          .append(".jpg\",\"label\":")
          .append(i % 3)
          .append(",\"predicted\":")
          .append(i % 2)
          .append(",\"correct\":")
          .append(i % 3 == i % 2)
          .append("}\n");
    }
    Files.writeString(dir.resolve("samples/rnd/zero-shot.jsonl"), cls);
    Files.writeString(dir.resolve("samples/pixels/zero-shot.jsonl"), cls);
    String caps =
        String.join(
                "\n",
                "{\"sampleId\":\""
                    + esc(JS_URL)
                    + "\",\"prediction\":\""
                    + esc(SCRIPT)
                    + "\",\"references\":[\""
                    + esc(IMG)
                    + "\",\"a dog\"],\"score\":0.01}",
                "{\"sampleId\":\"b.jpg\",\"prediction\":\"a cat on a mat\",\"references\":[\"a cat\"],\"score\":0.9}",
                "{\"sampleId\":\"c.jpg\",\"prediction\":\""
                    + esc(IMG)
                    + "\",\"references\":[\""
                    + esc(SCRIPT)
                    + "\"],\"score\":0.2}",
                "{\"sampleId\":\"d.jpg\",\"prediction\":\"x\",\"references\":[\"y\"],\"score\":0.5}",
                "{\"sampleId\":\"cut-short")
            + "\n";
    Files.writeString(dir.resolve("samples/rnd/captions.jsonl"), caps);
    Files.writeString(
        dir.resolve("samples/rnd/captions.errors.jsonl"),
        "{\"sampleId\":\"e.jpg\",\"reason\":\"" + esc(SCRIPT) + "\"}\n");
    if (gates != null) {
      Files.writeString(dir.resolve("gates.json"), ResultCodec.json(gates, true));
    }
    return dir;
  }

  /** Gates: rnd's zero-shot top1 failed, pixels' passed. */
  public static GateReport gates() {
    return GateReport.of(
        "baseline/results.json",
        List.of(
            new GateResult(
                "rnd/zero-shot/top1",
                "rnd",
                "zero-shot",
                "top1",
                false,
                "'top1' of task 'zero-shot' on model 'rnd' is 10, below the floor min 20 " + SCRIPT,
                10.0,
                null),
            new GateResult(
                "pixels/zero-shot/top1",
                "pixels",
                "zero-shot",
                "top1",
                true,
                "42 >= min 20",
                42.0,
                null)));
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
