package io.vleval.tasks.retrieval;

/**
 * Recall@K of zero-shot retrieval in both directions, in CLIP_benchmark's naming.
 *
 * @param ks the K values
 * @param imageRetrievalRecall text &rarr; image recall per K ({@code image_retrieval_recall@K}):
 *     one query per text
 * @param textRetrievalRecall image &rarr; text recall per K ({@code text_retrieval_recall@K}): one
 *     query per image
 * @param texts number of text queries
 * @param images number of image queries
 */
public record RetrievalScores(
    int[] ks, double[] imageRetrievalRecall, double[] textRetrievalRecall, int texts, int images) {

  /** Mean of all Recall@K values of both directions (the "mean recall" InternVL reports). */
  public double meanRecall() {
    double sum = 0;
    for (int i = 0; i < ks.length; i++) {
      sum += imageRetrievalRecall[i] + textRetrievalRecall[i];
    }
    return sum / (2.0 * ks.length);
  }
}
