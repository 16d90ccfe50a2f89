package io.vleval.tasks.retrieval;

/**
 * Per-query ranks from which every Recall@K follows: a query hits at K when its rank is below K.
 *
 * @param textRanks for each text, the rank of its image among all images (0 = best)
 * @param imageRanks for each image, the best rank of any of its texts among all texts; {@link
 *     Integer#MAX_VALUE} for an image without texts (always a miss)
 * @param textImageIndex for each text, the index of its image
 */
public record RetrievalRanks(int[] textRanks, int[] imageRanks, int[] textImageIndex) {}
