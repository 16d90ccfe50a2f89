package io.vleval.model.baseline;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.Capability;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.spec.Doc;
import io.vleval.preprocess.ColourLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model with no learning at all: an image is its downsampled colour layout (a {@code grid x grid}
 * average of RGB, centred), a text is a signed hashed bag of its words in a space of the same size.
 * It shows what pixels alone give on each task.
 */
public final class PixelBaselineProvider implements ModelProvider<PixelBaselineProvider.Spec> {

  /** Options of the pixel baseline. */
  public record Spec(
      @Doc("side of the colour-layout grid (default 8, so 192-dimensional embeddings)")
          Integer grid) {
    public Spec {
      grid = grid == null ? 8 : grid;
      if (grid < 1 || grid > 64) {
        throw new IllegalArgumentException("grid must be between 1 and 64, got " + grid);
      }
    }
  }

  private static final Set<Class<? extends Capability>> CAPABILITIES =
      Set.of(
          ImageEmbedder.class,
          TextEmbedder.class,
          DenseFeatureExtractor.class,
          BlockFeatureExtractor.class,
          VideoEmbedder.class);

  @Override
  public String type() {
    return "pixel-baseline";
  }

  @Override
  public String description() {
    return "no-learning baseline: colour-layout image embeddings, hashed bag-of-words text embeddings";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(Spec spec) {
    return CAPABILITIES;
  }

  @Override
  public Model load(Spec spec, PluginContext context) {
    int grid = spec.grid();
    int size = grid * grid * 3;
    ImageEmbedder images =
        new ImageEmbedder() {
          @Override
          public int embeddingSize() {
            return size;
          }

          @Override
          public float[][] embedImages(List<RgbImage> batch, ImageView view) {
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
              float[] v = layout(batch.get(i), grid, grid);
              for (int d = 0; d < v.length; d++) {
                v[d] -= 0.5f;
              }
              out[i] = v;
            }
            return out;
          }
        };
    TextEmbedder texts =
        new TextEmbedder() {
          @Override
          public int embeddingSize() {
            return size;
          }

          @Override
          public float[][] embedTexts(List<String> batch) {
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
              out[i] = bagOfWords(batch.get(i), size);
            }
            return out;
          }
        };
    int denseGrid = 16;
    DenseFeatureExtractor dense =
        new DenseFeatureExtractor() {
          @Override
          public int channels() {
            return 3;
          }

          @Override
          public int inputSize() {
            return denseGrid * 14;
          }

          @Override
          public List<DenseFeatures> extract(List<RgbImage> batch) {
            List<DenseFeatures> out = new ArrayList<>();
            for (RgbImage image : batch) {
              out.add(
                  new DenseFeatures(denseGrid, denseGrid, 3, layout(image, denseGrid, denseGrid)));
            }
            return out;
          }
        };
    Map<Class<? extends Capability>, Capability> caps =
        Map.of(
            ImageEmbedder.class,
            images,
            TextEmbedder.class,
            texts,
            DenseFeatureExtractor.class,
            dense,
            BlockFeatureExtractor.class,
            new ColourBlocks(),
            VideoEmbedder.class,
            VideoEmbedder.pooling(images));
    return new BaselineModel(
        caps, new ModelInfo(BaselineModel.checksum("pixel-baseline:" + grid), "java", "cpu"));
  }

  /**
   * One "block" of colour tokens: a 14-pixel patch's token is its mean colour (centred), the class
   * token the image's mean colour, so block-reading protocols (linear probe, segmentation heads)
   * have a no-learning reference to beat.
   */
  private static final class ColourBlocks implements BlockFeatureExtractor {
    private static final int PATCH = 14;

    @Override
    public int depth() {
      return 1;
    }

    @Override
    public int channels() {
      return 3;
    }

    @Override
    public int patchSize() {
      return PATCH;
    }

    @Override
    public int inputSize() {
      return 16 * PATCH;
    }

    @Override
    public List<List<BlockFeatures>> extract(
        List<RgbImage> batch, ImageView view, int side, List<Integer> blocks) {
      if (side < 1 || side % PATCH != 0) {
        throw new IllegalArgumentException(
            "input side " + side + " is not a multiple of the " + PATCH + " px patch");
      }
      for (int b : blocks) {
        if (b != 0) {
          throw new IllegalArgumentException("block " + b + " is outside 0..0");
        }
      }
      int grid = side / PATCH;
      List<List<BlockFeatures>> out = new ArrayList<>(batch.size());
      for (RgbImage image : batch) {
        RgbImage seen = view == ImageView.SHORTER_SIDE_CENTER_CROP ? centreSquare(image) : image;
        float[] patches = layout(seen, grid, grid);
        float[] cls = layout(seen, 1, 1);
        for (int d = 0; d < patches.length; d++) {
          patches[d] -= 0.5f;
        }
        for (int d = 0; d < cls.length; d++) {
          cls[d] -= 0.5f;
        }
        BlockFeatures block = new BlockFeatures(0, cls, new DenseFeatures(grid, grid, 3, patches));
        List<BlockFeatures> perImage = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
          perImage.add(block);
        }
        out.add(perImage);
      }
      return out;
    }

    /** The central square of an image, as a centre crop after a shorter-side resize sees it. */
    private static RgbImage centreSquare(RgbImage image) {
      int side = Math.min(image.width(), image.height());
      int x0 = (image.width() - side) / 2;
      int y0 = (image.height() - side) / 2;
      byte[] rgb = new byte[side * side * 3];
      for (int y = 0; y < side; y++) {
        System.arraycopy(
            image.rgb(), ((y0 + y) * image.width() + x0) * 3, rgb, y * side * 3, side * 3);
      }
      return new RgbImage(side, side, rgb);
    }
  }

  @Override
  public Optional<BackboneShape> backboneShape(Spec spec) {
    return Optional.of(new BackboneShape(1, 3, ColourBlocks.PATCH, 16 * ColourBlocks.PATCH));
  }

  static float[] layout(RgbImage image, int rows, int cols) {
    return ColourLayout.of(image, rows, cols);
  }

  /** Signed feature hashing of lower-cased words. */
  static float[] bagOfWords(String text, int size) {
    float[] v = new float[size];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (word.isEmpty()) {
        continue;
      }
      int h = word.hashCode() * 0x9E3779B1;
      v[Math.floorMod(h, size)] += (h >>> 31) == 0 ? 1f : -1f;
    }
    return v;
  }
}
