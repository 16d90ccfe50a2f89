package io.vleval.tasks.zeroshot;

import io.vleval.api.model.TextEmbedder;
import io.vleval.tasks.embedding.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The zero-shot classifier as CLIP_benchmark builds it: per class, every template filled with the
 * class name (Python's {@code template.format(c=name)}), each text embedding L2-normalized, the
 * mean taken and normalized again. Logits are {@code scale x image . class} on the normalized image
 * embedding.
 */
public final class TextClassifier {
  private static final int TEXT_BATCH = 128;

  private final float[][] weights;

  private TextClassifier(float[][] weights) {
    this.weights = weights;
  }

  /**
   * A classifier built on first use, once: its templates are loaded and its class-name texts
   * embedded only when a sample needs classifying, so a resumed run whose samples are all recorded
   * never encodes them. Thread-safe.
   *
   * @param templates loads the templates ({@code {c}} stands for the class name)
   */
  public static Supplier<TextClassifier> lazily(
      TextEmbedder embedder, List<String> classNames, Supplier<List<String>> templates) {
    return new Supplier<>() {
      private TextClassifier built;

      @Override
      public synchronized TextClassifier get() {
        if (built == null) {
          built = build(embedder, classNames, templates.get());
        }
        return built;
      }
    };
  }

  public static TextClassifier build(
      TextEmbedder embedder, List<String> classNames, List<String> templates) {
    float[][] weights = new float[classNames.size()][];
    List<String> texts = new ArrayList<>();
    for (String name : classNames) {
      for (String t : templates) {
        texts.add(PromptTemplates.fill(t, name));
      }
    }
    List<float[]> embedded = new ArrayList<>();
    for (int i = 0; i < texts.size(); i += TEXT_BATCH) {
      for (float[] v :
          embedder.embedTexts(texts.subList(i, Math.min(texts.size(), i + TEXT_BATCH)))) {
        embedded.add(v);
      }
    }
    int dim = embedder.embeddingSize();
    for (int c = 0; c < classNames.size(); c++) {
      double[] mean = new double[dim];
      for (int t = 0; t < templates.size(); t++) {
        float[] v = Vectors.normalized(embedded.get(c * templates.size() + t));
        for (int d = 0; d < dim; d++) {
          mean[d] += v[d];
        }
      }
      float[] w = new float[dim];
      for (int d = 0; d < dim; d++) {
        w[d] = (float) (mean[d] / templates.size());
      }
      weights[c] = Vectors.normalized(w);
    }
    return new TextClassifier(weights);
  }

  public int classes() {
    return weights.length;
  }

  /** {@code scale x normalize(image) . w_c} for every class. */
  public float[] logits(float[] imageEmbedding, float scale) {
    float[] x = Vectors.normalized(imageEmbedding);
    float[] out = new float[weights.length];
    for (int c = 0; c < weights.length; c++) {
      out[c] = scale * Vectors.dot(x, weights[c]);
    }
    return out;
  }
}
