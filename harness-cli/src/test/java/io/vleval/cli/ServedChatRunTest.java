package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.core.run.ResultFiles;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.serve.ChatServer;
import io.vleval.serve.ServeOptions;
import io.vleval.testkit.SpecYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's MMBench through the {@code openai-compatible} model against {@code vleval
 * serve}'s server holding the shipped tiny InternVL-Chat equals the same checkpoint in-process,
 * record for record: the served path (PNG data URLs, HTTP, the server's queue and batching) changes
 * no reply and so no score.
 */
class ServedChatRunTest {

  @TempDir Path temp;

  @Test
  void quickstartMmbenchThroughTheServerEqualsInProcessRecordForRecord() throws IOException {
    Path checkpoint =
        Path.of(System.getProperty("vleval.repoRoot")).resolve("models/tiny-internvl-chat");
    InternVlSpec spec = new SpecYaml(temp).bind(InternVlSpec.class, "checkpoint: " + checkpoint);
    Path out = temp.resolve("run");
    try (Model model =
            new InternVlProvider().load(spec, new PluginContext(0, temp.resolve("cache"), 1));
        ChatServer server =
            ChatServer.start(
                "tiny-internvl-chat", model.require(ImageChat.class), ServeOptions.defaults())) {
      // the quickstart's run settings, model entry, dataset and MMBench task; the served copy
      // sends MMBench's minimum of one new token where vleval serve reads it
      String yaml =
          """
          run: {name: served, seed: 0, batch_size: 16}
          models:
            - name: in-process
              type: internvl
              checkpoint: %s
            - name: served
              type: openai-compatible
              base_url: %s
              model: tiny-internvl-chat
              min_tokens_field: min_tokens
          datasets:
            - {name: questions, type: synthetic, part: mmbench}
          tasks:
            - {name: mmbench, type: mmbench, dataset: questions}
          """
              .formatted(checkpoint, server.baseUrl());
      Path config = temp.resolve("served.yaml");
      Files.writeString(config, yaml);
      Cli.Result r = Cli.run("run", config.toString(), "--out", out.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
    List<JsonNode> local = records(out.resolve("samples/in-process/mmbench.jsonl"));
    List<JsonNode> served = records(out.resolve("samples/served/mmbench.jsonl"));
    assertThat(local).hasSizeGreaterThan(100);
    assertThat(served).isEqualTo(local);
    // every reply really came over HTTP: one request per record, each kept once in the run
    assertThat(Files.readAllLines(out.resolve("replies/openai-compatible.jsonl")))
        .hasSize(local.size());

    RunResult result = ResultFiles.read(out);
    TaskResult inProcess = row(result, "in-process");
    TaskResult viaServer = row(result, "served");
    assertThat(viaServer.sampleCount()).isEqualTo(inProcess.sampleCount());
    // the same records give the same scores; intervals differ, each row resampling with its own
    // seed (derived from the model's name)
    assertThat(viaServer.metric("Overall").value()).isEqualTo(inProcess.metric("Overall").value());
    assertThat(values(viaServer)).isEqualTo(values(inProcess)).isNotEmpty();
  }

  private static List<JsonNode> records(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(json.readTree(line));
    }
    return out;
  }

  private static List<String> values(TaskResult row) {
    List<String> out = new ArrayList<>();
    for (CategoryBreakdown c : row.categories()) {
      for (MetricValue m : c.metrics()) {
        out.add(c.category() + " " + c.sampleCount() + " " + m.name() + " " + m.value());
      }
    }
    return out;
  }

  private static TaskResult row(RunResult result, String model) {
    return result.tasks().stream().filter(t -> t.model().equals(model)).findFirst().orElseThrow();
  }
}
