package io.vleval.tasks.captioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval score captioning} tokenizes the images in the ground truth's order, as COCOEvalCap
 * does: the order decides which caption ends each tokenizer call, where an emoticon is lexed
 * differently.
 */
class CaptionScoringOrderTest {

  private static final CaptionSample DOG =
      new CaptionSample("1", List.of("a dog sits :)", "a dog sits"), "a dog sits :)");
  private static final CaptionSample CAT =
      new CaptionSample("2", List.of("a red cat", "a cat"), "a red cat");

  @Test
  void imagesAreTokenizedInTheGroundTruthsOrder(@TempDir Path dir) throws IOException {
    Path predictions = dir.resolve("predictions.json");
    Files.writeString(
        predictions,
        "[{\"image_id\": 1, \"caption\": \"a dog sits :)\"}, {\"image_id\": 2, \"caption\": \"a red"
            + " cat\"}]");
    Path references = dir.resolve("references.json");
    Files.writeString(
        references,
        "{\"images\": [{\"id\": 2}, {\"id\": 1}], \"annotations\": ["
            + "{\"image_id\": 1, \"caption\": \"a dog sits :)\"},"
            + "{\"image_id\": 1, \"caption\": \"a dog sits\"},"
            + "{\"image_id\": 2, \"caption\": \"a red cat\"},"
            + "{\"image_id\": 2, \"caption\": \"a cat\"}]}");
    ScoreTable fromFiles =
        CaptionScoring.score(predictions, references, true, ScoreOptions.NO_INTERVALS);
    ScoreTable groundTruthOrder =
        CaptionScoring.score(List.of(CAT, DOG), true, ScoreOptions.NO_INTERVALS);
    ScoreTable predictionOrder =
        CaptionScoring.score(List.of(DOG, CAT), true, ScoreOptions.NO_INTERVALS);
    assertThat(predictionOrder.metrics()).isNotEqualTo(groundTruthOrder.metrics());
    assertThat(fromFiles.metrics()).isEqualTo(groundTruthOrder.metrics());
  }
}
