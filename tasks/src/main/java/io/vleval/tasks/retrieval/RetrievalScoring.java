package io.vleval.tasks.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.JsonFiles;
import io.vleval.tasks.metrics.scoring.ScoreInputException;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.metrics.scoring.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code vleval score retrieval}: CLIP_benchmark Recall@K in both directions and their mean. */
public final class RetrievalScoring {

  /** Default K values. */
  public static final int[] DEFAULT_KS = {1, 5, 10};

  /** Text rows of the score matrix computed at a time by each thread. */
  private static final int ROWS_PER_BLOCK = 256;

  private RetrievalScoring() {}

  /**
   * @param predictions JSON object with {@code "scores"} (texts x images) or with {@code
   *     "image_embeddings"} and {@code "text_embeddings"} (then scores are cosine similarities)
   * @param references JSON object with {@code "texts_image_index"} (the image of each text) and
   *     optionally {@code "k"} (default [1, 5, 10]); may be the same file as {@code predictions}
   */
  public static ScoreTable score(Path predictions, Path references, ScoreOptions options) {
    Map<String, Object> p =
        JsonFiles.objectWithMatrices(
            predictions, List.of("scores", "image_embeddings", "text_embeddings"));
    float[][] matrix = (float[][]) p.get("scores");
    ScoreRows scores;
    if (matrix != null) {
      scores = ScoreRows.of(matrix);
    } else {
      float[][] images = (float[][]) p.get("image_embeddings");
      float[][] texts = (float[][]) p.get("text_embeddings");
      if (images == null || texts == null) {
        throw new ScoreInputException(
            predictions,
            "top level",
            "expected key \"scores\" (texts x images) or both \"image_embeddings\" and \"text_embeddings\"");
      }
      if (images.length > 0 && texts.length > 0 && images[0].length != texts[0].length) {
        throw new ScoreInputException(
            predictions,
            "key \"text_embeddings\"",
            "dimension " + texts[0].length + " differs from image_embeddings' " + images[0].length);
      }
      // embeddings are scored a block of rows at a time, never as the whole matrix
      scores = ZeroShotRetrieval.cosineRows(images, texts);
    }
    Map<String, Object> r =
        references.equals(predictions)
            ? p
            : JsonFiles.objectWithMatrices(
                references, List.of("scores", "image_embeddings", "text_embeddings"));
    int[] index =
        JsonFiles.intArray((JsonNode) r.get("texts_image_index"), references, "texts_image_index");
    if (index.length != scores.texts()) {
      throw new ScoreInputException(
          references,
          "key \"texts_image_index\"",
          index.length
              + " entries but "
              + predictions
              + " has "
              + scores.texts()
              + " texts (score rows)");
    }
    int images = scores.texts() == 0 ? 0 : scores.images();
    for (int t = 0; t < index.length; t++) {
      if (index[t] < 0 || index[t] >= images) {
        throw new ScoreInputException(
            references,
            "key \"texts_image_index\"[" + t + "]",
            "image " + index[t] + " is outside [0, " + images + ")");
      }
    }
    JsonNode k = (JsonNode) r.get("k");
    int[] ks = k == null ? DEFAULT_KS.clone() : JsonFiles.intArray(k, references, "k");
    for (int i = 0; i < ks.length; i++) {
      if (ks[i] < 1 || ks[i] > images || ks[i] > index.length) {
        throw new ScoreInputException(
            references,
            "key \"k\"[" + i + "]",
            "k="
                + ks[i]
                + " must be in [1, min(images="
                + images
                + ", texts="
                + index.length
                + ")]");
      }
    }
    return score(
        ZeroShotRetrieval.ranks(scores, index, ROWS_PER_BLOCK),
        ks,
        options,
        "image",
        "image_retrieval_recall",
        "text_retrieval_recall");
  }

  /** Scores an in-memory texts x images matrix. */
  public static ScoreTable score(
      float[][] scores, int[] textImageIndex, int[] ks, ScoreOptions options) {
    return score(
        ZeroShotRetrieval.ranks(scores, textImageIndex),
        ks,
        options,
        "image",
        "image_retrieval_recall",
        "text_retrieval_recall");
  }

  /**
   * Scores ranks counted already: {@code <textToGallery>@K} for each K (one query per text), then
   * {@code <galleryToText>@K} (one query per gallery item), then {@code mean_recall}, with
   * bootstrap intervals resampling gallery items (each with its texts).
   *
   * @param unit what a gallery item is, e.g. {@code image} or {@code video}
   */
  public static ScoreTable score(
      RetrievalRanks ranks,
      int[] ks,
      ScoreOptions options,
      String unit,
      String textToGallery,
      String galleryToText) {
    RetrievalScores s = ZeroShotRetrieval.evaluate(ranks, ks);
    List<String> names = new ArrayList<>();
    double[] values = new double[2 * ks.length + 1];
    for (int i = 0; i < ks.length; i++) {
      names.add(textToGallery + "@" + ks[i]);
      values[i] = s.imageRetrievalRecall()[i];
    }
    for (int i = 0; i < ks.length; i++) {
      names.add(galleryToText + "@" + ks[i]);
      values[ks.length + i] = s.textRetrievalRecall()[i];
    }
    names.add("mean_recall");
    values[2 * ks.length] = s.meanRecall();
    ConfidenceInterval[] intervals =
        options.bootstrap().map(b -> ZeroShotRetrieval.intervals(ranks, ks, b)).orElse(null);
    return Tables.table("retrieval", unit, s.images(), names, values, intervals);
  }
}
