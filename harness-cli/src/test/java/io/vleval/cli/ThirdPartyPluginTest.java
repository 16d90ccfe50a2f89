package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin written outside the harness: its sources are compiled here into a jar with {@code
 * META-INF/services} entries, and a separate JVM running the unchanged harness with that jar on its
 * class path lists it and runs it.
 */
class ThirdPartyPluginTest {

  @TempDir Path temp;

  private static final String DATASET =
      """
      package com.example.vlplugin;

      import io.vleval.api.plugin.*;
      import io.vleval.api.sample.*;
      import java.util.*;

      public final class StripesDatasetProvider implements DatasetProvider<StripesDatasetProvider.Spec> {
        public record Spec(Integer count) {
          public Spec { count = count == null ? 5 : count; }
        }
        public String type() { return "example-stripes"; }
        public String description() { return "third-party dataset of striped images"; }
        public Class<Spec> specType() { return Spec.class; }
        public Class<? extends Sample> sampleType(Spec spec) { return LabelledImage.class; }
        public Dataset<LabelledImage> open(Spec spec, PluginContext context) {
          List<LabelledImage> samples = new ArrayList<>();
          for (int i = 0; i < spec.count(); i++) {
            byte[] rgb = new byte[4 * 4 * 3];
            Arrays.fill(rgb, (byte) (i * 40));
            samples.add(new LabelledImage("s" + i, ImageSource.of(new RgbImage(4, 4, rgb), "s" + i), i % 2));
          }
          Iterator<LabelledImage> unused = samples.iterator();
          return new Dataset<>() {
            public Class<LabelledImage> sampleType() { return LabelledImage.class; }
            public DatasetInfo info() { return new DatasetInfo("stripes-" + spec.count(), spec.count(), List.of("even", "odd"), "generated"); }
            public SampleCursor<LabelledImage> samples() {
              Iterator<LabelledImage> it = samples.iterator();
              return new SampleCursor<>() {
                public boolean hasNext() { return it.hasNext(); }
                public LabelledImage next() { return it.next(); }
                public void close() {}
              };
            }
          };
        }
      }
      """;

  private static final String TASK =
      """
      package com.example.vlplugin;

      import io.vleval.api.model.*;
      import io.vleval.api.plugin.*;
      import io.vleval.api.result.*;
      import io.vleval.api.sample.*;
      import io.vleval.api.spec.EmptySpec;
      import io.vleval.api.task.*;
      import java.util.*;

      public final class EmbeddingNormTaskProvider implements TaskProvider<EmptySpec> {
        public record Norm(String sampleId, double norm) implements SampleRecord {}
        public String type() { return "example-embedding-norm"; }
        public String description() { return "third-party task: mean norm of image embeddings"; }
        public Class<EmptySpec> specType() { return EmptySpec.class; }
        public Class<? extends Sample> sampleType() { return LabelledImage.class; }
        public Set<Class<? extends Capability>> requiredCapabilities(EmptySpec spec) { return Set.of(ImageEmbedder.class); }
        public Task<LabelledImage, Norm> create(EmptySpec spec) {
          return new Task<>() {
            public String version() { return "1"; }
            public Class<LabelledImage> sampleType() { return LabelledImage.class; }
            public Class<Norm> recordType() { return Norm.class; }
            public TaskSession<LabelledImage, Norm> start(Model model, TaskContext context) {
              ImageEmbedder e = model.require(ImageEmbedder.class);
              return new TaskSession<>() {
                public List<Norm> process(List<LabelledImage> batch) {
                  List<RgbImage> images = new ArrayList<>();
                  for (LabelledImage s : batch) images.add(s.image().load());
                  float[][] v = e.embedImages(images, ImageView.SQUASH);
                  List<Norm> out = new ArrayList<>();
                  for (int i = 0; i < v.length; i++) {
                    double n = 0;
                    for (float x : v[i]) n += x * x;
                    out.add(new Norm(batch.get(i).id(), Math.sqrt(n)));
                  }
                  return out;
                }
                public TaskOutcome finish(List<Norm> records) {
                  double mean = records.stream().mapToDouble(Norm::norm).average().orElse(Double.NaN);
                  return new TaskOutcome("mean_norm", List.of(MetricValue.higherIsBetter("mean_norm", mean, "")), List.of());
                }
                public void close() {}
              };
            }
          };
        }
      }
      """;

  private Path buildPluginJar() throws IOException {
    Path src = temp.resolve("src/com/example/vlplugin");
    Files.createDirectories(src);
    Files.writeString(src.resolve("StripesDatasetProvider.java"), DATASET);
    Files.writeString(src.resolve("EmbeddingNormTaskProvider.java"), TASK);
    Path classes = Files.createDirectories(temp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc =
        javac.run(
            null,
            null,
            null,
            "-d",
            classes.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            src.resolve("StripesDatasetProvider.java").toString(),
            src.resolve("EmbeddingNormTaskProvider.java").toString());
    assertThat(rc).as("plugin sources compile against harness-api").isZero();
    Path jar = temp.resolve("example-plugin.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          out.putNextEntry(
              new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      service(
          out,
          "io.vleval.api.plugin.DatasetProvider",
          "com.example.vlplugin.StripesDatasetProvider");
      service(
          out,
          "io.vleval.api.plugin.TaskProvider",
          "com.example.vlplugin.EmbeddingNormTaskProvider");
    }
    return jar;
  }

  private static void service(JarOutputStream out, String service, String impl) throws IOException {
    out.putNextEntry(new JarEntry("META-INF/services/" + service));
    out.write((impl + "\n").getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }

  /**
   * The harness's own class path: this module's test classes (with their test plugins) left out.
   */
  private static String harnessClassPath() {
    List<String> parts = new ArrayList<>();
    for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!p.endsWith("test-classes")) {
        parts.add(p);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  private record Proc(int exit, String out) {}

  private Proc vleval(Path jar, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                harnessClassPath() + File.pathSeparator + jar,
                "io.vleval.cli.Main"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Proc(p.exitValue(), out);
  }

  @Test
  void aPluginJarOnTheClassPathIsListedAndRun() throws Exception {
    Path jar = buildPluginJar();
    Proc list = vleval(jar, "list");
    assertThat(list.exit()).as(list.out()).isZero();
    assertThat(list.out())
        .contains(
            "example-stripes",
            "third-party dataset of striped images",
            "example-embedding-norm",
            "third-party task: mean norm of image embeddings");
    assertThat(list.out()).doesNotContain("test-colours");

    Path config = temp.resolve("third.yaml");
    Files.writeString(
        config,
        """
        models:
          - name: pixels
            type: pixel-baseline
            grid: 2
        datasets:
          - name: stripes
            type: example-stripes
            count: 6
        tasks:
          - name: norms
            type: example-embedding-norm
            dataset: stripes
        """);
    Path out = temp.resolve("run");
    Proc run = vleval(jar, "run", config.toString(), "--out", out.toString());
    assertThat(run.exit()).as(run.out()).isZero();
    String results = Files.readString(out.resolve("results.json"));
    assertThat(results)
        .contains("\"type\" : \"example-embedding-norm\"", "\"name\" : \"mean_norm\"");
    assertThat(Files.readAllLines(out.resolve("samples/pixels/norms.jsonl"))).hasSize(6);
  }
}
