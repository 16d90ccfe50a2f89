package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.result.RunResult;
import io.vleval.testkit.fake.FakeChatServer;
import io.vleval.testkit.fake.FakeChatServer.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task with a judge on Spark: the executors' sessions consult the judge as they process samples
 * (as the local engine's does), the driver scores with its own, and records and scores equal the
 * local engine's.
 */
class SparkJudgeTest {

  @TempDir Path temp;

  @Test
  void executorsConsultTheJudgeAndTheScoresEqualTheLocalEngines() throws IOException {
    // the served model's replies name no option, so every one goes to the judge
    try (FakeChatServer vlm = new FakeChatServer(r -> Response.reply("Not sure."));
        FakeChatServer judge =
            new FakeChatServer(r -> Response.reply(r.prompt().contains("\nA. red") ? "A" : "B"))) {
      Path config = temp.resolve("judged.yaml");
      Files.writeString(
          config,
          """
          run: {name: judged, seed: 5, batch_size: 8, cache: '%s'}
          models:
            - {name: served, type: openai-compatible, base_url: '%s', model: vlm}
          judges:
            - {name: judge, type: openai-compatible, base_url: '%s', model: llm}
          datasets:
            - {name: questions, type: synthetic, part: mmbench}
          tasks:
            - {name: mmbench, type: mmbench, dataset: questions, judge: judge, resamples: 0}
          """
              .formatted(temp.resolve("cache"), vlm.baseUrl(), judge.baseUrl()));
      RunResult local = EngineRuns.local(config, temp.resolve("local"), false);
      int askedLocally = judge.requests().size();
      assertThat(askedLocally).isPositive();
      RunResult spark = EngineRuns.spark(config, temp.resolve("spark"), false, "local[2]");
      // the executors have no run directory to keep replies in: they ask the judge again
      assertThat(judge.requests().size()).isGreaterThan(askedLocally);
      EngineRuns.assertSameScores(local, spark);
      EngineRuns.assertSameSamples(temp.resolve("local"), temp.resolve("spark"));
      assertThat(spark.tasks().get(0).judge()).isEqualTo("judge");
      assertThat(spark.tasks().get(0).warnings()).isEqualTo(local.tasks().get(0).warnings());
      assertThat(spark.provenance().judges()).extracting("name").containsExactly("judge");
      assertThat(Files.readString(temp.resolve("spark/samples/served/mmbench.jsonl")))
          .contains("\"extraction\":\"judge\"");
    }
  }
}
