package io.vleval.api.model;

import java.util.List;

/** Maps texts to vectors in the same space as the model's {@link ImageEmbedder}. */
public interface TextEmbedder extends Capability {
  int embeddingSize();

  /** One vector per text, in input order. */
  float[][] embedTexts(List<String> texts);
}
