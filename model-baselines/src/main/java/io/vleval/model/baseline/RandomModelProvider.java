package io.vleval.model.baseline;

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
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.spec.Doc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The chance-level reference point: every capability, every answer random but reproducible (keyed
 * by the run seed and the input's content), so any score a real model earns can be read against
 * what guessing gives.
 */
public final class RandomModelProvider implements ModelProvider<RandomModelProvider.Spec> {

  /** Options of the random model. */
  public record Spec(
      @Doc("length of the random embeddings (default 64)") Integer embeddingSize,
      @Doc("side of the random dense-feature grid (default 14)") Integer grid) {
    public Spec {
      embeddingSize = embeddingSize == null ? 64 : embeddingSize;
      grid = grid == null ? 14 : grid;
      if (embeddingSize < 1 || grid < 1) {
        throw new IllegalArgumentException("embedding_size and grid must be at least 1");
      }
    }
  }

  static final List<String> WORDS =
      List.of(
          "a",
          "the",
          "of",
          "on",
          "in",
          "with",
          "and",
          "small",
          "large",
          "red",
          "blue",
          "green",
          "yellow",
          "circle",
          "square",
          "triangle",
          "left",
          "right",
          "above",
          "below",
          "image",
          "photo");

  private static final Set<Class<? extends Capability>> CAPABILITIES =
      Set.of(
          ImageEmbedder.class,
          TextEmbedder.class,
          DenseFeatureExtractor.class,
          VideoEmbedder.class,
          CaptionGenerator.class,
          MultipleChoiceChat.class,
          ImageChat.class);

  @Override
  public String type() {
    return "random";
  }

  @Override
  public String description() {
    return "chance-level baseline: seeded random embeddings, captions and answers, no weights";
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
    long seed = context.seed();
    int size = spec.embeddingSize();
    int grid = spec.grid();
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
              out[i] = Seeds.gaussian(Seeds.of(seed, batch.get(i)), size);
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
              out[i] = Seeds.gaussian(Seeds.of(seed, batch.get(i)), size);
            }
            return out;
          }
        };
    DenseFeatureExtractor dense =
        new DenseFeatureExtractor() {
          @Override
          public int channels() {
            return size;
          }

          @Override
          public int inputSize() {
            return grid * 16;
          }

          @Override
          public List<DenseFeatures> extract(List<RgbImage> batch) {
            List<DenseFeatures> out = new ArrayList<>();
            for (RgbImage image : batch) {
              out.add(
                  new DenseFeatures(
                      grid,
                      grid,
                      size,
                      Seeds.gaussian(Seeds.of(seed + 1, image), grid * grid * size)));
            }
            return out;
          }
        };
    CaptionGenerator captions =
        (batch, prompt, settings) -> {
          List<String> out = new ArrayList<>();
          for (RgbImage image : batch) {
            SplittableRandom r = new SplittableRandom(Seeds.of(seed + 2, image));
            int length = 1 + r.nextInt(Math.max(1, Math.min(12, settings.maxNewTokens())));
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < length; w++) {
              s.append(w == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
            }
            out.add(s.toString());
          }
          return out;
        };
    MultipleChoiceChat chat =
        (requests, settings) -> {
          List<String> out = new ArrayList<>();
          for (ChatRequest q : requests) {
            long key = Seeds.of(seed + 3, q.prompt());
            if (q.image() != null) {
              key ^= Seeds.of(seed + 4, q.image());
            }
            List<String> letters = q.choices();
            out.add(
                letters.isEmpty()
                    ? ""
                    : letters.get(new SplittableRandom(key).nextInt(letters.size())));
          }
          return out;
        };
    // An open question (no choices) gets one to three random words of the synthetic vocabulary.
    ImageChat replies =
        (requests, settings) -> {
          List<String> out = new ArrayList<>();
          for (ChatRequest q : requests) {
            long key = Seeds.of(seed + 5, q.prompt());
            if (q.image() != null) {
              key ^= Seeds.of(seed + 6, q.image());
            }
            SplittableRandom r = new SplittableRandom(key);
            List<String> choices = q.choices();
            if (!choices.isEmpty()) {
              out.add(choices.get(r.nextInt(choices.size())));
              continue;
            }
            int length = 1 + r.nextInt(3);
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < length; w++) {
              s.append(w == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
            }
            out.add(s.toString());
          }
          return out;
        };
    Map<Class<? extends Capability>, Capability> caps =
        Map.of(
            ImageEmbedder.class,
            images,
            TextEmbedder.class,
            texts,
            DenseFeatureExtractor.class,
            dense,
            VideoEmbedder.class,
            VideoEmbedder.pooling(images),
            CaptionGenerator.class,
            captions,
            MultipleChoiceChat.class,
            chat,
            ImageChat.class,
            replies);
    String checksum = BaselineModel.checksum("random:" + seed + ":" + size + ":" + grid);
    return new BaselineModel(caps, new ModelInfo(checksum, "java", "cpu"));
  }
}
