package io.vleval.api.model;

import io.vleval.api.sample.RgbImage;
import java.util.ArrayList;
import java.util.List;

/** Maps a clip (a list of frames) to one vector in the model's image-text space. */
public interface VideoEmbedder extends Capability {
  int embeddingSize();

  float[][] embedVideos(List<List<RgbImage>> clips);

  /**
   * The default video embedding: the mean of the (unnormalized) frame embeddings, as the reference
   * MSR-VTT protocol does it.
   */
  static VideoEmbedder pooling(ImageEmbedder frames) {
    return new VideoEmbedder() {
      @Override
      public int embeddingSize() {
        return frames.embeddingSize();
      }

      @Override
      public float[][] embedVideos(List<List<RgbImage>> clips) {
        float[][] out = new float[clips.size()][];
        for (int i = 0; i < clips.size(); i++) {
          List<RgbImage> clip = clips.get(i);
          if (clip.isEmpty()) {
            throw new IllegalArgumentException("clip " + i + " has no frames");
          }
          float[][] perFrame =
              frames.embedImages(new ArrayList<>(clip), ImageView.SHORTER_SIDE_CENTER_CROP);
          float[] mean = new float[frames.embeddingSize()];
          for (float[] f : perFrame) {
            for (int d = 0; d < mean.length; d++) {
              mean[d] += f[d];
            }
          }
          for (int d = 0; d < mean.length; d++) {
            mean[d] /= perFrame.length;
          }
          out[i] = mean;
        }
        return out;
      }
    };
  }
}
