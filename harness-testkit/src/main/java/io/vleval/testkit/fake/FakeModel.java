package io.vleval.testkit.fake;

import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.sample.RgbImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny deterministic model with every capability, for contract tests: an image embeds as its mean
 * colour, a text as a hash of its words, captions name the dominant colour, and chat always answers
 * the first option. It counts calls, so tests can assert what was (not) recomputed.
 */
public final class FakeModel implements Model {

  public static final int SIZE = 8;

  private final Map<Class<? extends Capability>, Capability> capabilities = new HashMap<>();
  private final AtomicInteger imagesEmbedded = new AtomicInteger();
  private boolean closed;

  public FakeModel() {
    this(
        Set.of(
            ImageEmbedder.class,
            TextEmbedder.class,
            DenseFeatureExtractor.class,
            BlockFeatureExtractor.class,
            VideoEmbedder.class,
            CaptionGenerator.class,
            MultipleChoiceChat.class,
            ImageChat.class));
  }

  /** A model that offers only {@code offered}. */
  public FakeModel(Set<Class<? extends Capability>> offered) {
    ImageEmbedder images =
        new ImageEmbedder() {
          @Override
          public int embeddingSize() {
            return SIZE;
          }

          @Override
          public float[][] embedImages(List<RgbImage> batch, ImageView view) {
            imagesEmbedded.addAndGet(batch.size());
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
              out[i] = meanColour(batch.get(i));
            }
            return out;
          }
        };
    TextEmbedder texts =
        new TextEmbedder() {
          @Override
          public int embeddingSize() {
            return SIZE;
          }

          @Override
          public float[][] embedTexts(List<String> batch) {
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
              float[] v = new float[SIZE];
              for (String w : batch.get(i).split("\\s+")) {
                v[Math.floorMod(w.hashCode(), SIZE)] += 1;
              }
              out[i] = v;
            }
            return out;
          }
        };
    DenseFeatureExtractor dense =
        new DenseFeatureExtractor() {
          @Override
          public int channels() {
            return 3;
          }

          @Override
          public int inputSize() {
            return 28;
          }

          @Override
          public List<DenseFeatures> extract(List<RgbImage> batch) {
            List<DenseFeatures> out = new ArrayList<>();
            for (RgbImage image : batch) {
              float[] c = meanColour(image);
              float[] grid = new float[2 * 2 * 3];
              for (int i = 0; i < 4; i++) {
                System.arraycopy(c, 0, grid, i * 3, 3);
              }
              out.add(new DenseFeatures(2, 2, 3, grid));
            }
            return out;
          }
        };
    // Two "blocks" of 8-px patches: block 0's tokens are the patch's mean colour, block 1's the
    // image's mean colour; the class token is the image's mean colour in both.
    BlockFeatureExtractor blocks =
        new BlockFeatureExtractor() {
          @Override
          public int depth() {
            return 2;
          }

          @Override
          public int channels() {
            return SIZE;
          }

          @Override
          public int patchSize() {
            return 8;
          }

          @Override
          public int inputSize() {
            return 32;
          }

          @Override
          public List<List<BlockFeatures>> extract(
              List<RgbImage> batch, ImageView view, int side, List<Integer> wanted) {
            int grid = side / 8;
            List<List<BlockFeatures>> out = new ArrayList<>();
            for (RgbImage image : batch) {
              imagesEmbedded.incrementAndGet();
              float[] mean = meanColour(image);
              List<BlockFeatures> perImage = new ArrayList<>();
              for (int b : wanted) {
                float[] tokens = new float[grid * grid * SIZE];
                for (int r = 0; r < grid; r++) {
                  for (int c = 0; c < grid; c++) {
                    float[] t = b == 0 ? patchColour(image, r, c, grid) : mean;
                    System.arraycopy(t, 0, tokens, (r * grid + c) * SIZE, SIZE);
                  }
                }
                perImage.add(
                    new BlockFeatures(
                        b, mean.clone(), new DenseFeatures(grid, grid, SIZE, tokens)));
              }
              out.add(perImage);
            }
            return out;
          }
        };
    CaptionGenerator captions =
        (batch, prompt, settings) -> {
          List<String> out = new ArrayList<>();
          for (RgbImage image : batch) {
            float[] c = meanColour(image);
            out.add(
                c[0] >= c[1] && c[0] >= c[2]
                    ? "a red image"
                    : c[1] >= c[2] ? "a green image" : "a blue image");
          }
          return out;
        };
    MultipleChoiceChat chat =
        (requests, settings) -> {
          List<String> out = new ArrayList<>();
          for (ChatRequest r : requests) {
            out.add(r.choices().isEmpty() ? "" : r.choices().get(0));
          }
          return out;
        };
    // Open questions get the image's dominant colour; closed ones their first choice.
    ImageChat replies =
        (requests, settings) -> {
          List<String> out = new ArrayList<>();
          for (ChatRequest r : requests) {
            if (!r.choices().isEmpty()) {
              out.add(r.choices().get(0));
            } else if (r.image() == null) {
              out.add("");
            } else {
              float[] c = meanColour(r.image());
              out.add(c[0] >= c[1] && c[0] >= c[2] ? "red" : c[1] >= c[2] ? "green" : "blue");
            }
          }
          return out;
        };
    Map<Class<? extends Capability>, Capability> all =
        Map.of(
            ImageEmbedder.class,
            images,
            TextEmbedder.class,
            texts,
            DenseFeatureExtractor.class,
            dense,
            BlockFeatureExtractor.class,
            blocks,
            VideoEmbedder.class,
            VideoEmbedder.pooling(images),
            CaptionGenerator.class,
            captions,
            MultipleChoiceChat.class,
            chat,
            ImageChat.class,
            replies);
    for (Class<? extends Capability> c : offered) {
      capabilities.put(c, all.get(c));
    }
  }

  /** Mean RGB in [0,1] of one cell of a {@code grid x grid} split, padded to {@link #SIZE}. */
  static float[] patchColour(RgbImage image, int row, int col, int grid) {
    float[] v = new float[SIZE];
    int x0 = col * image.width() / grid;
    int x1 = Math.max(x0 + 1, (col + 1) * image.width() / grid);
    int y0 = row * image.height() / grid;
    int y1 = Math.max(y0 + 1, (row + 1) * image.height() / grid);
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        for (int c = 0; c < 3; c++) {
          v[c] += image.channel(x, y, c);
        }
      }
    }
    float n = (float) (x1 - x0) * (y1 - y0) * 255f;
    for (int c = 0; c < 3; c++) {
      v[c] /= n;
    }
    return v;
  }

  /** Mean RGB in [0,1], padded with zeros to {@link #SIZE}. */
  public static float[] meanColour(RgbImage image) {
    float[] v = new float[SIZE];
    long n = (long) image.width() * image.height();
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        for (int c = 0; c < 3; c++) {
          v[c] += image.channel(x, y, c);
        }
      }
    }
    for (int c = 0; c < 3; c++) {
      v[c] /= n * 255f;
    }
    return v;
  }

  /** Images embedded so far, over all calls. */
  public int imagesEmbedded() {
    return imagesEmbedded.get();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return capabilities.keySet();
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return Optional.ofNullable(type.cast(capabilities.get(type)));
  }

  @Override
  public ModelInfo info() {
    return new ModelInfo("fake", "java", "cpu");
  }

  @Override
  public void close() {
    closed = true;
  }
}
