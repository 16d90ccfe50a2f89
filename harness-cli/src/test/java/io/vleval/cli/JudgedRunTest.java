package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RemoteOutcome;
import io.vleval.core.run.ResultFiles;
import io.vleval.core.run.RowWork;
import io.vleval.core.run.RowWorker;
import io.vleval.testkit.fake.FakeChatServer;
import io.vleval.testkit.fake.FakeChatServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A served model evaluated on MMBench with a served judge, both {@code openai-compatible} against
 * fake endpoints: the judge reads every reply the rules cannot, the results name it, a resumed run
 * asks neither server again, the key is in no file of the run, and a distributed engine's worker
 * gets the judge too.
 */
class JudgedRunTest {

  private static final String KEY = "sk-judged-run-7d3e1f";
  private static final String JUDGE_PROMPT = "You are an AI assistant who will help me to match";

  @TempDir Path temp;
  private FakeChatServer vlm;
  private FakeChatServer judge;

  @BeforeEach
  void servers() {
    // the served model's replies name no option: the rules read none of them
    vlm =
        new FakeChatServer(
            r ->
                r.headers().getFirst("Authorization") == null
                        || r.headers().getFirst("Authorization").equals("Bearer " + KEY)
                    ? Response.reply("Not sure.")
                    : Response.error(401, "bad key"));
    judge = new FakeChatServer(r -> Response.reply("A"));
  }

  @AfterEach
  void stop() {
    vlm.close();
    judge.close();
  }

  private Path config(String modelExtra) throws IOException {
    String yaml =
        """
        run: {name: judged, seed: 2, batch_size: 4, cache: %s}
        models:
          - name: served
            type: openai-compatible
            base_url: %s
            model: served-vlm
            concurrency: 2
        %s
        judges:
          - name: judge
            type: openai-compatible
            base_url: %s
            model: judge-llm
        datasets:
          - {name: questions, type: synthetic, part: mmbench}
        tasks:
          - {name: mmbench, type: mmbench, dataset: questions, judge: judge, circular: false, resamples: 0}
        """
            .formatted(temp.resolve("cache"), vlm.baseUrl(), modelExtra, judge.baseUrl());
    Path file = temp.resolve("judged.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static List<JsonNode> records(Path runDir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve("samples/served/mmbench.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }

  @Test
  void theJudgeReadsWhatTheRulesCannotAndTheResultsNameIt() throws IOException {
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config("").toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> records = records(out);
    assertThat(records).isNotEmpty();
    long answeredA = 0;
    for (JsonNode a : records) {
      assertThat(a.path("prediction").asText()).isEqualTo("Not sure.");
      assertThat(a.path("extraction").asText()).isEqualTo("judge");
      assertThat(a.path("extracted").asText()).isEqualTo("A");
      assertThat(a.path("judgeReplies").toString()).isEqualTo("[\"A\"]");
      answeredA += a.path("answer").asText().equals("A") ? 1 : 0;
    }
    // each row asked of each server at most once (a request asked before, by an earlier batch,
    // is answered from the run's replies): the model with its image, the judge with text only
    assertThat(vlm.requests()).isNotEmpty().hasSizeLessThanOrEqualTo(records.size());
    assertThat(vlm.requests().get(0).body().toString()).contains("data:image/png;base64,");
    assertThat(judge.requests()).isNotEmpty().hasSizeLessThanOrEqualTo(records.size());
    assertThat(judge.requests()).allMatch(q -> q.prompt().startsWith(JUDGE_PROMPT));
    assertThat(judge.requests().get(0).body().toString()).doesNotContain("image_url");

    RunResult result = ResultFiles.read(out);
    TaskResult row = result.tasks().get(0);
    assertThat(row.judge()).isEqualTo("judge");
    // vanilla accuracy: the rows whose answer is the judge's A
    assertThat(row.metric("Overall").value())
        .isCloseTo((double) answeredA / records.size(), within(1e-12));
    assertThat(row.warnings()).anyMatch(w -> w.contains("judge 'judge' read them"));
    assertThat(result.provenance().judges()).hasSize(1);
    assertThat(result.provenance().judges().get(0).name()).isEqualTo("judge");
    assertThat(result.provenance().judges().get(0).engine())
        .contains(judge.baseUrl())
        .contains("judge-llm");
    assertThat(result.provenance().models()).extracting("name").containsExactly("served");
    assertThat(Files.readString(out.resolve("config.yaml")))
        .contains("judges:")
        .contains("judge: judge");

    // interrupted after half of its records: the resumed run asks neither server again
    List<String> lines = Files.readAllLines(out.resolve("samples/served/mmbench.jsonl"));
    Files.write(out.resolve("samples/served/mmbench.jsonl"), lines.subList(0, lines.size() / 2));
    int asked = vlm.requests().size() + judge.requests().size();
    Cli.Result resumed = Cli.run("run", config("").toString(), "--out", out.toString(), "--resume");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(vlm.requests().size() + judge.requests().size()).isEqualTo(asked);
    assertThat(Files.readAllLines(out.resolve("samples/served/mmbench.jsonl")))
        .hasSize(lines.size());
    assertThat(ResultFiles.read(out).tasks().get(0).metric("Overall").value())
        .isEqualTo(row.metric("Overall").value());
  }

  @Test
  void withoutTheJudgeKeyTheTaskFailsClosedAsBefore() throws IOException {
    Path file = config("");
    Files.writeString(file, Files.readString(file).replace(", judge: judge", ""));
    Path out = temp.resolve("exact");
    Cli.Result r = Cli.run("run", file.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(judge.requests()).isEmpty();
    assertThat(records(out)).allMatch(a -> a.path("extraction").asText().equals("none"));
    TaskResult row = ResultFiles.read(out).tasks().get(0);
    assertThat(row.judge()).isNull();
    assertThat(row.metric("Overall").value()).isZero();
    assertThat(ResultFiles.read(out).provenance().judges()).isEmpty();
    JsonNode written = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertThat(written.path("tasks").get(0).has("judge")).isFalse();
    assertThat(written.path("provenance").has("judges")).isFalse();
  }

  @Test
  void theKeyIsInNoFileOfTheRunAndNotInTheErrorText() throws Exception {
    Path file = config("    api_key_env: VLM_KEY");
    Path out = temp.resolve("keyed");
    Proc ok = vleval(List.of("run", file.toString(), "--out", out.toString()), KEY);
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(vlm.requests())
        .allMatch(q -> ("Bearer " + KEY).equals(q.headers().getFirst("Authorization")));
    List<Path> files;
    try (Stream<Path> walk = Files.walk(out)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files)
        .extracting(f -> out.relativize(f).toString())
        .contains("replies/openai-compatible.jsonl", "results.json", "config.yaml");
    for (Path f : files) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
          .as("%s", f)
          .doesNotContain(KEY);
    }
    assertThat(ok.out()).doesNotContain(KEY);
    // a wrong key: refused, one line naming the variable, never the key
    Proc refused =
        vleval(
            List.of("run", file.toString(), "--out", temp.resolve("refused").toString()),
            KEY + "x");
    assertThat(refused.exit()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(refused.out())
        .contains("HTTP 401")
        .contains("environment variable VLM_KEY")
        .doesNotContain(KEY);
    assertThat(refused.out()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aDistributedEnginesWorkerGetsTheJudge() throws IOException {
    PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
    RunConfig config = new ConfigLoader(registry).load(config(""));
    List<String> ids = firstIds(registry, config, 3);
    List<RemoteOutcome> back;
    try (Model model = RowWorker.loadModel(registry, config, "served");
        RowWorker worker =
            RowWorker.open(
                registry,
                config,
                new RowWork("served", "mmbench", "mmbench", "questions", 4),
                model)) {
      back = worker.process(ids);
    }
    assertThat(back).hasSize(3);
    assertThat(back)
        .allMatch(o -> o.record() != null && o.record().contains("\"extraction\":\"judge\""));
    assertThat(judge.requests()).hasSize(back.size());
  }

  /** The first {@code n} sample ids of the config's dataset 'questions'. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<String> firstIds(PluginRegistry registry, RunConfig config, int n) {
    DatasetEntry entry = config.dataset("questions");
    DatasetProvider provider = registry.dataset(entry.type());
    Dataset<?> dataset =
        (Dataset<?>) provider.open(entry.spec(), new PluginContext(0, config.run().cache(), 1));
    List<String> ids = new ArrayList<>();
    try (SampleCursor<? extends Sample> cursor = dataset.samples()) {
      while (cursor.hasNext() && ids.size() < n) {
        ids.add(cursor.next().id());
      }
    }
    return ids;
  }

  private record Proc(int exit, String out) {}

  /** {@code vleval} in a child JVM whose environment holds {@code VLM_KEY}. */
  private static Proc vleval(List<String> args, String key)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.vleval.cli.Main"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("VLM_KEY", key);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return new Proc(p.exitValue(), out);
  }
}
