package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-device evaluation ({@code device: cpu,cpu}: two replicas of the model, each batch dealt
 * between them) writes the same per-sample records as one device, record for record, for the
 * shipped tiny InternVL-C (zero-shot classification, image-text retrieval, video classification)
 * and InternVL-Chat (captioning, MMBench).
 */
class MultiDeviceRunTest {

  @TempDir Path temp;

  private static final List<String> TASKS =
      List.of("zero-shot", "retrieval", "video", "captioning", "mmbench");

  @Test
  void twoReplicasOnTheCpuWriteTheRecordsOfOneDevice() throws IOException {
    Path root = Path.of(System.getProperty("vleval.repoRoot"));
    Path config = temp.resolve("devices.yaml");
    // the model's batch (4) is smaller than the task's (16), so a task batch is four forward
    // batches, dealt two and two; generation deals images and questions one by one
    Files.writeString(
        config,
        """
        run:
          name: devices
          seed: 3
          batch_size: 16
          cache: %s
        models:
          - {name: c-one, type: internvl, checkpoint: %s, head: c, device: cpu, batch_size: 4}
          - {name: c-two, type: internvl, checkpoint: %s, head: c, device: "cpu,cpu", batch_size: 4}
          - {name: chat-one, type: internvl, checkpoint: %s, device: cpu}
          - {name: chat-two, type: internvl, checkpoint: %s, device: "cpu,cpu"}
        datasets:
          - {name: shapes, type: synthetic, part: classification-val, scale: tiny}
          - {name: captions, type: synthetic, part: captions-test, scale: tiny}
          - {name: clips, type: synthetic, part: video-val, scale: tiny}
          - {name: questions, type: synthetic, part: mmbench, scale: tiny}
        tasks:
          - {name: zero-shot, type: zero-shot-classification, dataset: shapes, models: [c-one, c-two], resamples: 20}
          - {name: retrieval, type: retrieval, dataset: captions, models: [c-one, c-two], resamples: 20}
          - {name: video, type: zero-shot-video-classification, dataset: clips, models: [c-one, c-two], resamples: 20}
          - {name: captioning, type: captioning, dataset: captions, models: [chat-one, chat-two], max_new_tokens: 12, resamples: 20}
          - {name: mmbench, type: mmbench, dataset: questions, models: [chat-one, chat-two], resamples: 20}
        """
            .formatted(
                temp.resolve("cache"),
                root.resolve("models/tiny-internvl-c"),
                root.resolve("models/tiny-internvl-c"),
                root.resolve("models/tiny-internvl-chat"),
                root.resolve("models/tiny-internvl-chat")));
    Path out = temp.resolve("run");
    Cli.Result r = Cli.run("run", config.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as("stderr: %s", r.err()).isZero();

    Path samples = out.resolve("samples");
    for (String task : TASKS) {
      boolean chat = task.equals("captioning") || task.equals("mmbench");
      Path one = samples.resolve(chat ? "chat-one" : "c-one").resolve(task + ".jsonl");
      Path two = samples.resolve(chat ? "chat-two" : "c-two").resolve(task + ".jsonl");
      List<String> expected = Files.readAllLines(one);
      assertThat(expected).as("%s records on one device", task).hasSizeGreaterThan(4);
      assertThat(Files.readAllLines(two)).as("%s records on cpu,cpu", task).isEqualTo(expected);
    }
    String results = Files.readString(out.resolve("results.json"));
    assertThat(results).contains("\"device\" : \"cpu,cpu\"");
  }
}
