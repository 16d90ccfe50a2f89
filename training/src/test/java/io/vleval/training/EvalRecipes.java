package io.vleval.training;

import io.vleval.training.spec.TrainConfigLoader;
import io.vleval.training.spec.TrainSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Recipes for the stage tests, written as a user writes them: the tiny suite's training parts
 * ({@code shapes-train}, {@code captions-en}, {@code captions-zh}, {@code questions-train}) and
 * held-out parts as named datasets (in the cache the tests' training data comes from), then the
 * test's stages with their {@code eval:} lists, loaded by {@link TrainConfigLoader}.
 */
public final class EvalRecipes {

  private EvalRecipes() {}

  /**
   * @return a {@code datasets:} section naming the tiny suite's training parts and its
   *     classification-val, captions-test and mmbench parts by those names
   */
  public static String tinyDatasets() {
    String cache = SyntheticData.CACHE.toAbsolutePath().normalize().toString();
    StringBuilder sb = new StringBuilder("datasets:\n");
    // the training parts, named as SyntheticData names them
    for (String[] d :
        new String[][] {
          {"shapes-train", "classification-train", ""},
          {"captions-en", "captions-train", ""},
          {"captions-zh", "captions-train", ", language: zh"},
          {"questions-train", "mmbench-train", ""}
        }) {
      sb.append("  - {name: ")
          .append(d[0])
          .append(", type: synthetic, part: ")
          .append(d[1])
          .append(d[2])
          .append(", scale: tiny, cache: '")
          .append(cache)
          .append("'}\n");
    }
    for (String part : new String[] {"classification-val", "captions-test", "mmbench"}) {
      sb.append("  - {name: ")
          .append(part)
          .append(", type: synthetic, part: ")
          .append(part)
          .append(", scale: tiny, cache: '")
          .append(cache)
          .append("'}\n");
    }
    return sb.toString();
  }

  /**
   * Writes {@code dir/recipe.yaml} (the tiny suite's datasets, then {@code yaml}) and loads it.
   *
   * @param dir the folder
   * @param yaml the rest of the recipe ({@code train:}, {@code stages:})
   * @return the recipe
   */
  public static TrainSpec load(Path dir, String yaml) {
    try {
      Path file = dir.resolve("recipe.yaml");
      Files.writeString(file, tinyDatasets() + yaml);
      return TrainConfigLoader.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The mean of both directions' Recall@1 of a {@code retrieval} task's metrics.
   *
   * @param metrics a stage's metrics
   * @param key the task's key prefix (e.g. {@code retrieval}, {@code c/retrieval})
   * @return (image→text R@1 + text→image R@1) / 2
   */
  public static double meanRecallAt1(Map<String, Double> metrics, String key) {
    return (metrics.get(key + ".text_retrieval_recall@1")
            + metrics.get(key + ".image_retrieval_recall@1"))
        / 2;
  }
}
