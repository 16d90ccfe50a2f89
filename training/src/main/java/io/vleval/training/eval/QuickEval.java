package io.vleval.training.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.text.ClipText;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metrics of a model in training, computed in process on held-out data (the harness's tasks compute
 * the reported figures from a saved checkpoint; these are the quick checks the tests and the
 * training log use): zero-shot top-1 accuracy (class embeddings = mean of the normalized template
 * embeddings, renormalized; arg-max of cosine) and retrieval Recall@1 in both directions.
 */
public final class QuickEval {

  private static final int BATCH = 32;

  private QuickEval() {}

  /**
   * Zero-shot top-1 accuracy of InternVL-C on the held-out classification images.
   *
   * @param cg the model
   * @param tokenizer its tokenizer
   * @param data the data
   * @param templates prompts with {@code {}} for the class name
   * @return accuracy in [0, 1]
   */
  public static double zeroShotAccuracy(
      InternVlCg cg, TextTokenizer tokenizer, TrainingData data, List<String> templates) {
    int k = data.classNames().size();
    float[][] classes = new float[k][];
    for (int c = 0; c < k; c++) {
      List<String> texts = new ArrayList<>();
      for (String t : templates) {
        texts.add(t.replace("{}", data.classNames().get(c)));
      }
      float[][] e = textEmbeddings(cg, tokenizer, texts);
      float[] mean = new float[e[0].length];
      for (float[] row : e) {
        for (int i = 0; i < row.length; i++) {
          mean[i] += row[i];
        }
      }
      classes[c] = unit(mean);
    }
    List<float[]> px = data.classVal().stream().map(TrainingData.Labelled::pixels).toList();
    float[][] images = imageEmbeddings(cg, px, data.imageSize(), false);
    int correct = 0;
    for (int i = 0; i < images.length; i++) {
      int best = argmax(images[i], classes);
      correct += best == data.classVal().get(i).label() ? 1 : 0;
    }
    return (double) correct / images.length;
  }

  /**
   * Retrieval Recall@1 on the held-out captioned images: image→text (the top caption is one of the
   * image's) and text→image, and their mean.
   *
   * @param cg the model
   * @param tokenizer its tokenizer
   * @param data the data
   * @param g true for InternVL-G image features, false for InternVL-C
   * @return {@code [i2t, t2i, mean]}
   */
  public static double[] retrievalRecallAt1(
      InternVlCg cg, TextTokenizer tokenizer, TrainingData data, boolean g) {
    List<TrainingData.Captioned> items = data.captionTest();
    List<String> texts = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      for (String c : items.get(i).captions()) {
        texts.add(c);
        owner.add(i);
      }
    }
    float[][] img =
        imageEmbeddings(
            cg, items.stream().map(TrainingData.Captioned::pixels).toList(), data.imageSize(), g);
    float[][] txt = textEmbeddings(cg, tokenizer, texts);
    int i2t = 0;
    for (int i = 0; i < img.length; i++) {
      i2t += owner.get(argmax(img[i], txt)) == i ? 1 : 0;
    }
    int t2i = 0;
    for (int t = 0; t < txt.length; t++) {
      t2i += argmax(txt[t], img) == owner.get(t) ? 1 : 0;
    }
    double a = (double) i2t / img.length;
    double b = (double) t2i / txt.length;
    return new double[] {a, b, (a + b) / 2};
  }

  /**
   * Normalized image embeddings.
   *
   * @param cg the model
   * @param pixels preprocessed images
   * @param size their side
   * @param g InternVL-G (else C) features
   * @return one unit vector per image
   */
  public static float[][] imageEmbeddings(
      InternVlCg cg, List<float[]> pixels, int size, boolean g) {
    float[][] out = new float[pixels.size()][];
    for (int from = 0; from < pixels.size(); from += BATCH) {
      List<float[]> part = pixels.subList(from, Math.min(pixels.size(), from + BATCH));
      try (NDManager batch = cg.manager().newSubManager()) {
        int n = 3 * size * size;
        float[] flat = new float[part.size() * n];
        for (int i = 0; i < part.size(); i++) {
          System.arraycopy(part.get(i), 0, flat, i * n, n);
        }
        NDArray vision = cg.vision(batch.create(flat, new Shape(part.size(), 3, size, size)));
        NDArray e = InternVlCg.normalize(g ? cg.imageEmbedsG(vision) : cg.imageEmbedsC(vision));
        copyRows(e, out, from);
      }
    }
    return out;
  }

  /**
   * Normalized text embeddings ({@code summarize:} protocol).
   *
   * @param cg the model
   * @param tokenizer its tokenizer
   * @param texts the texts
   * @return one unit vector per text
   */
  public static float[][] textEmbeddings(
      InternVlCg cg, TextTokenizer tokenizer, List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + BATCH));
      try (NDManager batch = cg.manager().newSubManager()) {
        long[][] ids =
            ClipText.encode(
                tokenizer,
                part,
                cg.config().qllama().bosTokenId(),
                cg.config().qllama().eosTokenId());
        NDArray e = InternVlCg.normalize(cg.textEmbeds(cg.textHidden(ids, batch), ids));
        copyRows(e, out, from);
      }
    }
    return out;
  }

  private static void copyRows(NDArray e, float[][] out, int from) {
    float[] flat = e.toFloatArray();
    int d = (int) e.getShape().get(1);
    for (int i = 0; i < e.getShape().get(0); i++) {
      out[from + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
  }

  private static float[] unit(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    float n = (float) Math.max(Math.sqrt(s), 1e-12);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] / n;
    }
    return out;
  }

  /**
   * Index of the row of {@code candidates} with the largest dot product with {@code q} (first on
   * ties).
   */
  static int argmax(float[] q, float[][] candidates) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < candidates.length; j++) {
      double s = 0;
      for (int i = 0; i < q.length; i++) {
        s += q[i] * candidates[j][i];
      }
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    }
    return best;
  }
}
