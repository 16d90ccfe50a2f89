package io.vleval.tasks.captioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vleval score captioning}: coco-caption BLEU-1..4, ROUGE-L and CIDEr-D from a COCO results
 * file and COCO caption annotations (formats in the module README).
 */
public final class CaptionScoring {

  private CaptionScoring() {}

  /**
   * @param predictions COCO results JSON: {@code [{"image_id": ..., "caption": "..."}, ...]}, one
   *     entry per image
   * @param references COCO captions JSON: an object with {@code "annotations": [{"image_id",
   *     "caption"}, ...]}, or that array itself; only images that have a prediction are scored
   * @param tokenize run the PTB tokenizer first, as COCOEvalCap does (normally true)
   * @param options confidence-interval settings
   */
  public static ScoreTable score(
      Path predictions, Path references, boolean tokenize, ScoreOptions options) {
    Map<String, String> predicted = new LinkedHashMap<>();
    JsonNode results = JsonFiles.tree(predictions);
    if (!results.isArray()) {
      throw new ScoreInputException(
          predictions, "top level", "expected an array of {image_id, caption} objects");
    }
    for (int i = 0; i < results.size(); i++) {
      JsonNode r = results.get(i);
      String id = imageId(r, predictions, i);
      String caption = caption(r, predictions, i);
      if (predicted.put(id, caption) != null) {
        throw new ScoreInputException(
            predictions,
            "entry " + i,
            "second prediction for image_id "
                + id
                + " (coco-caption scores exactly one caption per image)");
      }
    }
    JsonNode refRoot = JsonFiles.tree(references);
    JsonNode annotations = refRoot.isObject() ? refRoot.get("annotations") : refRoot;
    if (annotations == null || !annotations.isArray()) {
      throw new ScoreInputException(
          references,
          "top level",
          "expected an object with an \"annotations\" array, or an array of {image_id, caption} objects");
    }
    Map<String, List<String>> refs = new LinkedHashMap<>();
    for (int i = 0; i < annotations.size(); i++) {
      JsonNode a = annotations.get(i);
      refs.computeIfAbsent(imageId(a, references, i), k -> new ArrayList<>())
          .add(caption(a, references, i));
    }
    for (String id : predicted.keySet()) {
      if (!refs.containsKey(id)) {
        throw new ScoreInputException(
            references, "image_id " + id, "no reference caption for this predicted image");
      }
    }
    // COCOEvalCap takes the images in the ground truth's order ("images", else the annotations'),
    // which decides the captions' order in its tokenizer calls
    Set<String> order = new LinkedHashSet<>();
    JsonNode images = refRoot.isObject() ? refRoot.get("images") : null;
    if (images != null && images.isArray()) {
      for (JsonNode image : images) {
        JsonNode id = image.get("id");
        if (id != null && predicted.containsKey(id.asText())) {
          order.add(id.asText());
        }
      }
    }
    for (String id : refs.keySet()) {
      if (predicted.containsKey(id)) {
        order.add(id);
      }
    }
    List<CaptionSample> samples = new ArrayList<>(predicted.size());
    for (String id : order) {
      samples.add(new CaptionSample(id, refs.get(id), predicted.get(id)));
    }
    if (samples.isEmpty()) {
      throw new ScoreInputException(predictions, "top level", "no predictions");
    }
    return score(samples, tokenize, options);
  }

  /** Scores in-memory samples (the same table as the file-based entry point). */
  public static ScoreTable score(
      List<CaptionSample> samples, boolean tokenize, ScoreOptions options) {
    CaptionScores scores = CaptionMetrics.evaluate(samples, tokenize);
    double[] values = scores.corpus().values().stream().mapToDouble(Double::doubleValue).toArray();
    ConfidenceInterval[] intervals =
        options.bootstrap().map(b -> CaptionMetrics.intervals(scores, b)).orElse(null);
    return Tables.table(
        "captioning", "image", samples.size(), CaptionScores.METRICS, values, intervals);
  }

  private static String imageId(JsonNode entry, Path file, int i) {
    JsonNode id = entry.get("image_id");
    if (id == null || !(id.isIntegralNumber() || id.isTextual())) {
      throw new ScoreInputException(
          file, "entry " + i, "missing or non-integer/non-string \"image_id\"");
    }
    return id.asText();
  }

  private static String caption(JsonNode entry, Path file, int i) {
    JsonNode c = entry.get("caption");
    if (c == null || !c.isTextual()) {
      throw new ScoreInputException(file, "entry " + i, "missing or non-string \"caption\"");
    }
    return c.textValue();
  }
}
