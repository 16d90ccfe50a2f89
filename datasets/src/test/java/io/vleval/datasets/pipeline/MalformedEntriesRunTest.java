package io.vleval.datasets.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.TaskResult;
import io.vleval.api.sample.LabelledImage;
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
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.kinetics.KineticsProvider;
import io.vleval.datasets.loaders.Symlinks;
import io.vleval.datasets.msrvtt.MsrvttProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.testkit.fake.FakeModelProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed dataset entries through the real runner: under {@code on_error: skip} each is recorded
 * in {@code errors.jsonl} with its file, place and reason, and counted; under {@code on_error:
 * fail} the run stops with every malformed entry named, not only the first.
 */
class MalformedEntriesRunTest {

  @TempDir Path temp;

  /** Records each sample's id; loads the image of an image sample, so decoding failures count. */
  public static final class IdsTask implements TaskProvider<EmptySpec> {
    /** One sample seen. */
    public record Seen(String sampleId) implements SampleRecord {}

    @Override
    public String type() {
      return "ids";
    }

    @Override
    public String description() {
      return "records sample ids";
    }

    @Override
    public Class<EmptySpec> specType() {
      return EmptySpec.class;
    }

    @Override
    public Class<? extends Sample> sampleType() {
      return Sample.class;
    }

    @Override
    public Set<Class<? extends Capability>> requiredCapabilities(EmptySpec spec) {
      return Set.of();
    }

    @Override
    public Task<Sample, Seen> create(EmptySpec spec) {
      return new Task<>() {
        @Override
        public String version() {
          return "1";
        }

        @Override
        public Class<Sample> sampleType() {
          return Sample.class;
        }

        @Override
        public Class<Seen> recordType() {
          return Seen.class;
        }

        @Override
        public TaskSession<Sample, Seen> start(Model model, TaskContext context) {
          return new TaskSession<>() {
            @Override
            public List<Seen> process(List<Sample> batch) {
              List<Seen> out = new ArrayList<>();
              for (Sample s : batch) {
                if (s instanceof LabelledImage image) {
                  image.image().load();
                }
                out.add(new Seen(s.id()));
              }
              return out;
            }

            @Override
            public TaskOutcome finish(List<Seen> records) {
              return new TaskOutcome(
                  "seen",
                  List.of(MetricValue.higherIsBetter("seen", records.size(), "")),
                  List.of());
            }

            @Override
            public void close() {}
          };
        }
      };
    }
  }

  private TaskResult run(String dataset, String onError) {
    Path config = temp.resolve("c-" + onError + ".yaml");
    try {
      Files.writeString(
          config,
          """
          models: [{name: rnd, type: fake}]
          datasets: [{name: d, %s, on_error: %s}]
          tasks: [{name: ids, type: ids, dataset: d, batch_size: 2}]
          """
              .formatted(dataset, onError));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    PluginRegistry registry =
        PluginRegistry.of(
            List.of(
                new FakeModelProvider(),
                new KineticsProvider(),
                new MsrvttProvider(),
                new ImageFolderProvider(),
                new IdsTask()));
    return new Runner(registry, RunListener.SILENT)
        .run(
            new ConfigLoader(registry).load(config),
            new RunOptions(temp.resolve("run-" + onError), false))
        .tasks()
        .get(0);
  }

  private List<String> errors(String onError) throws IOException {
    return Files.readAllLines(temp.resolve("run-" + onError + "/samples/rnd/ids.errors.jsonl"));
  }

  /** The suite's Kinetics CSV with malformed rows inserted after its header. */
  private Path kineticsCsv(List<String> badRows) throws IOException {
    List<String> lines = Files.readAllLines(SuiteFixture.tiny().resolve("kinetics/val.csv"));
    List<String> out = new ArrayList<>();
    out.add(lines.get(0));
    out.addAll(badRows);
    out.addAll(lines.subList(1, lines.size()));
    Path csv = temp.resolve("val.csv");
    Files.write(csv, out);
    return csv;
  }

  private String kinetics(Path csv) {
    return "type: kinetics, annotations: "
        + csv
        + ", videos: "
        + SuiteFixture.tiny().resolve("kinetics/videos/val");
  }

  @Test
  void kineticsRowsThatAreMalformedAreSkippedRecordedAndCounted() throws IOException {
    Path csv =
        kineticsCsv(
            List.of(
                "growing,abc,ten,20,val",
                "growing,abc,10",
                ",abc,10,20,val",
                "growing,\"abc\"x,10,20,val"));
    int clips = Files.readAllLines(csv).size() - 5;

    TaskResult t = run(kinetics(csv), "skip");

    assertThat(t.sampleCount()).isEqualTo(clips);
    assertThat(t.errorCount()).isEqualTo(4);
    List<String> errors = errors("skip");
    assertThat(errors).hasSize(4);
    assertThat(errors.get(0))
        .contains("\"sampleId\":\"row-1\"")
        .contains(csv + ": row 1 (line 2): time_start is 'ten', expected a whole number");
    assertThat(errors.get(1))
        .contains("\"sampleId\":\"row-2\"")
        .contains(
            csv
                + ": row 2 (line 3): expected 5 fields"
                + " (label,youtube_id,time_start,time_end,split), found 3");
    assertThat(errors.get(2))
        .contains("\"sampleId\":\"row-3\"")
        .contains(csv + ": row 3 (line 4): empty 'label'");
    assertThat(errors.get(3))
        .contains("\"sampleId\":\"row-4\"")
        .contains(csv + ": row 4 (line 5): malformed CSV");
  }

  @Test
  void kineticsUnderFailNamesEveryMalformedRow() throws IOException {
    Path csv = kineticsCsv(List.of("growing,abc,ten,20,val", "growing,abc,10", ",abc,10,20,val"));

    assertThatThrownBy(() -> run(kinetics(csv), "fail"))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            String.join(
                "\n",
                "dataset 'd' has 3 malformed entries:",
                csv
                    + ": row 1 (line 2): time_start is 'ten', expected a whole number of seconds"
                    + " from 0",
                csv
                    + ": row 2 (line 3): expected 5 fields"
                    + " (label,youtube_id,time_start,time_end,split), found 3",
                csv + ": row 3 (line 4): empty 'label', expected the class name"));
  }

  @Test
  void msrvttEntriesThatAreMalformedAreSkippedRecordedAndCountedOrAllNamed() throws IOException {
    Path list = temp.resolve("msrvtt_test1k.json");
    Files.writeString(
        list,
        String.join(
            "\n",
            "[",
            "  {\"video\": \"video0.mp4\", \"caption\": \"a clip\"},",
            "  {\"video\": \"video1.mp4\"},",
            "  {\"video\": \"video2.mp4\", \"caption\": \"another\"},",
            "  {\"video\": \"video404.mp4\", \"caption\": \"gone\"}",
            "]"));
    String dataset =
        "type: msrvtt, annotations: "
            + list
            + ", videos: "
            + SuiteFixture.tiny().resolve("msrvtt/videos/all");

    TaskResult t = run(dataset, "skip");

    assertThat(t.sampleCount()).isEqualTo(2);
    assertThat(t.errorCount()).isEqualTo(2);
    List<String> errors = errors("skip");
    assertThat(errors.get(0))
        .contains("\"sampleId\":\"video1.mp4\"")
        .contains(list + ": [1] (line 3): missing 'caption'");
    assertThat(errors.get(1))
        .contains("\"sampleId\":\"video404.mp4\"")
        .contains(list + ": [3] (line 5): video file 'video404.mp4' not found under");
    assertThatThrownBy(() -> run(dataset, "fail"))
        .hasMessageStartingWith(
            "dataset 'd' has 2 malformed entries:\n" + list + ": [1] (line 3): missing 'caption'")
        .hasMessageContaining(list + ": [3] (line 5): video file 'video404.mp4' not found");
  }

  @Test
  void aLongListOfMalformedRowsIsCappedAndCounted() throws IOException {
    List<String> bad =
        IntStream.range(0, 25).mapToObj(i -> "growing,abc" + i + ",x,20,val").toList();
    Path csv = kineticsCsv(bad);

    assertThatThrownBy(() -> run(kinetics(csv), "fail"))
        .hasMessageStartingWith(
            "dataset 'd' has 25 malformed entries:\n" + csv + ": row 1 (line 2)")
        .hasMessageContaining(csv + ": row 20 (line 21)")
        .hasMessageNotContaining("row 21 ")
        .hasMessageEndingWith(
            "\n... and 5 more; with on_error: skip each is recorded in the task's errors.jsonl")
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(22));
  }

  @Test
  void imageFolderNeverEchoesTheBytesOfWhatItCannotRead() throws IOException {
    String secret = "root:x:0:0:secret-token-4711";
    Path outside = temp.resolve("outside.txt");
    Files.writeString(outside, secret);
    Path root = temp.resolve("val");
    Files.createDirectories(root.resolve("cat"));
    Path image;
    try (Stream<Path> files =
        Files.list(SuiteFixture.tiny().resolve("classification/val/red_circle"))) {
      image = files.sorted().findFirst().orElseThrow();
    }
    Files.copy(image, root.resolve("cat/a.jpg"));
    Files.writeString(root.resolve("cat/b.jpg"), secret); // inside the root, but not an image
    Symlinks.create(root.resolve("cat/c.jpg"), outside);

    TaskResult t = run("type: imagefolder, root: " + root, "skip");

    assertThat(t.sampleCount()).isEqualTo(1);
    assertThat(t.errorCount()).isEqualTo(2);
    List<String> errors = errors("skip");
    assertThat(errors.get(0))
        .contains("\"sampleId\":\"cat/b.jpg\"")
        .contains("not a JPEG or PNG image");
    assertThat(errors.get(1))
        .contains("\"sampleId\":\"cat/c.jpg\"")
        .contains("leads out of the dataset root");
    String all = errors.stream().collect(Collectors.joining("\n"));
    String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i + 8 <= secret.length(); i++) {
      assertThat(all).doesNotContain(secret.substring(i, i + 8));
    }
    for (int i = 0; i + 16 <= hex.length(); i += 2) {
      assertThat(all.toLowerCase(Locale.ROOT)).doesNotContain(hex.substring(i, i + 16));
    }
  }
}
