package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.run.ResultFiles;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Domain generalisation as the reference reports it: one linear probe trained once per model and
 * scored on its evaluation set and on each of its {@code eval_datasets} (stand-ins in the public
 * layouts: an ImageNet-ReaL {@code real.json}, an ImageNetV2 tree of index-named class folders, an
 * ImageNet-A/-R tree with a subset of the classes), each a row of the results named {@code
 * task@dataset}, run with {@code vleval run}.
 */
class LinearProbeRowsTest {

  @TempDir Path temp;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Per image file name, its record in a row's samples file. */
  private static Map<String, JsonNode> records(Path file) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode r = JSON.readTree(line);
      String id = r.get("sampleId").asText();
      out.put(id.substring(id.lastIndexOf('/') + 1), r);
    }
    return out;
  }

  @Test
  void oneHeadScoresEveryVariantAsItsOwnRow() throws IOException {
    new SyntheticSuite(1, Scale.TINY).write(temp.resolve("suite"), 2);
    Path val = temp.resolve("suite/classification/val");
    List<String> folders;
    try (Stream<Path> s = Files.list(val)) {
      folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
    // ImageNetV2's layout: class folders named by label index; class_names lists them in order
    // ImageNet-A/-R's: the folders of a subset of the classes
    List<Path> files = new ArrayList<>();
    Map<String, Integer> labelOf = new HashMap<>();
    for (int c = 0; c < folders.size(); c++) {
      Path v2 = Files.createDirectories(temp.resolve("v2").resolve(Integer.toString(c)));
      Path subset =
          c % 3 == 0
              ? Files.createDirectories(temp.resolve("subset").resolve(folders.get(c)))
              : null;
      try (Stream<Path> s = Files.list(val.resolve(folders.get(c)))) {
        for (Path f : s.sorted().toList()) {
          Files.copy(f, v2.resolve(f.getFileName()));
          if (subset != null) {
            Files.copy(f, subset.resolve(f.getFileName()));
          }
          files.add(f);
          labelOf.put(f.getFileName().toString(), c);
        }
      }
    }
    Files.write(temp.resolve("classes.txt"), folders);
    // ImageNet-ReaL: per image in file-name order, the accepted labels; every fifth has none
    List<String> names = files.stream().map(f -> f.getFileName().toString()).sorted().toList();
    StringBuilder real = new StringBuilder("[");
    for (int i = 0; i < names.size(); i++) {
      real.append(i == 0 ? "" : ",")
          .append(i % 5 == 4 ? "[]" : "[" + labelOf.get(names.get(i)) + "]");
    }
    Files.writeString(temp.resolve("real.json"), real.append("]\n"));
    Path config = temp.resolve("dg.yaml");
    Files.writeString(
        config,
        """
        run: {name: dg, seed: 3, batch_size: 8}
        models:
          - {name: pixels, type: pixel-baseline}
        datasets:
          - {name: train, type: imagefolder, root: suite/classification/train}
          - {name: val, type: imagefolder, root: suite/classification/val}
          - {name: real, type: imagefolder, root: suite/classification/val, real_labels: real.json}
          - {name: v2, type: imagefolder, root: v2, index_folders: true, class_names: classes.txt}
          - {name: subset, type: imagefolder, root: subset}
        tasks:
          - name: lp
            type: linear-probe
            dataset: val
            train_dataset: train
            eval_datasets: [real, v2, subset]
            epochs: 2
            batch_size: 16
            resamples: 0
        gates:
          rules:
            - {task: lp@subset, min: 0.0}
        """);
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    RunResult result = ResultFiles.read(out);
    assertThat(result.tasks())
        .extracting(TaskResult::task, TaskResult::dataset, TaskResult::protocol)
        .containsExactly(
            Tuple.tuple("lp", "val", "reference"),
            Tuple.tuple("lp@real", "real", "reference"),
            Tuple.tuple("lp@v2", "v2", "reference"),
            Tuple.tuple("lp@subset", "subset", "reference"));
    Map<String, TaskResult> rows = new HashMap<>();
    result.tasks().forEach(t -> rows.put(t.task(), t));
    assertThat(rows.get("lp").sampleCount()).isEqualTo(48);
    assertThat(rows.get("lp@real").sampleCount()).isEqualTo(48 - 48 / 5);
    assertThat(rows.get("lp@v2").sampleCount()).isEqualTo(48);
    assertThat(rows.get("lp@subset").sampleCount()).isEqualTo(16);
    assertThat(result.provenance().datasets())
        .anySatisfy(
            d -> {
              assertThat(d.name()).isEqualTo("real");
              assertThat(d.warnings())
                  .containsExactly(
                      "9 of 48 images have no label in real.json and are left out, as"
                          + " ImageNet-ReaL's evaluation leaves them out");
            });
    assertThat(Files.readString(out.resolve("results.csv"))).contains("lp@real").contains("lp@v2");

    // the same head everywhere: the same image gets the same top class in the V2 tree, is judged
    // alike against its one ReaL label, and keeps its top class among the subset's classes
    Path samples = out.resolve("samples/pixels");
    Map<String, JsonNode> main = records(samples.resolve("lp.jsonl"));
    Map<String, JsonNode> v2 = records(samples.resolve("lp@v2.jsonl"));
    Map<String, JsonNode> realRows = records(samples.resolve("lp@real.jsonl"));
    Map<String, JsonNode> subset = records(samples.resolve("lp@subset.jsonl"));
    for (Map.Entry<String, JsonNode> e : main.entrySet()) {
      assertThat(v2.get(e.getKey()).get("predicted")).isEqualTo(e.getValue().get("predicted"));
      JsonNode rr = realRows.get(e.getKey());
      if (rr != null) {
        assertThat(rr.get("correct")).isEqualTo(e.getValue().get("correct"));
      }
    }
    int kept = 0;
    for (Map.Entry<String, JsonNode> e : subset.entrySet()) {
      int full = main.get(e.getKey()).get("predicted").asInt();
      if (full % 3 == 0) {
        assertThat(e.getValue().get("predicted").asInt()).isEqualTo(full / 3);
        kept++;
      }
    }
    assertThat(kept).isPositive();
    assertThat(r.out()).contains("lp@subset");
  }
}
