package io.vleval.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.fake.FakeImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every model plugin promises. */
public abstract class ModelProviderContractTest<S extends Record> extends PluginContractTest<S> {

  @Override
  protected abstract ModelProvider<S> provider();

  protected PluginContext context(long seed) {
    return new PluginContext(seed, temp.resolve("cache"), 1);
  }

  @Test
  void offersExactlyTheDeclaredCapabilities() {
    S spec = exampleSpec();
    try (Model model = provider().load(spec, context(1))) {
      assertThat(model.capabilities())
          .containsExactlyInAnyOrderElementsOf(provider().capabilities(spec));
      for (var c : model.capabilities()) {
        assertThat(model.capability(c)).as("capability %s", c.getSimpleName()).isPresent();
      }
    }
  }

  @Test
  void sameSeedSameOutputs() {
    S spec = exampleSpec();
    List<Object> first;
    List<Object> second;
    try (Model model = provider().load(spec, context(7))) {
      first = probe(model);
    }
    try (Model model = provider().load(spec, context(7))) {
      second = probe(model);
    }
    assertThat(second).usingRecursiveComparison().isEqualTo(first);
  }

  @Test
  void outputsHaveTheDeclaredShapes() {
    try (Model model = provider().load(exampleSpec(), context(3))) {
      List<RgbImage> images = List.of(FakeImages.solid(1, 32), FakeImages.solid(2, 48));
      model
          .capability(ImageEmbedder.class)
          .ifPresent(
              e -> {
                float[][] v = e.embedImages(images, ImageView.SQUASH);
                assertThat(v).hasNumberOfRows(2);
                assertThat(v[0]).hasSize(e.embeddingSize());
              });
      model
          .capability(TextEmbedder.class)
          .ifPresent(
              e -> assertThat(e.embedTexts(List.of("a red circle"))[0]).hasSize(e.embeddingSize()));
      model
          .capability(DenseFeatureExtractor.class)
          .ifPresent(
              e -> {
                DenseFeatures f = e.extract(images).get(0);
                assertThat(f.channels()).isEqualTo(e.channels());
              });
      model
          .capability(BlockFeatureExtractor.class)
          .ifPresent(
              e -> {
                int side = 2 * e.patchSize();
                List<Integer> blocks = List.of(e.depth() - 1, 0);
                List<List<BlockFeatures>> f = e.extract(images, ImageView.SQUASH, side, blocks);
                assertThat(f).hasSize(images.size());
                for (List<BlockFeatures> perImage : f) {
                  assertThat(perImage)
                      .extracting(BlockFeatures::block)
                      .containsExactlyElementsOf(blocks);
                  for (BlockFeatures b : perImage) {
                    assertThat(b.classToken()).hasSize(e.channels());
                    assertThat(b.patches().gridHeight()).isEqualTo(2);
                    assertThat(b.patches().gridWidth()).isEqualTo(2);
                  }
                }
              });
    }
  }

  /**
   * A backbone shape read before loading (for validation) is the one the loaded model has: depth,
   * channels, patch and input size of its {@link BlockFeatureExtractor}.
   */
  @Test
  void backboneShapeAgreesWithTheLoadedModel() {
    S spec = exampleSpec();
    Optional<BackboneShape> shape = provider().backboneShape(spec);
    try (Model model = provider().load(spec, context(3))) {
      Optional<BlockFeatureExtractor> blocks = model.capability(BlockFeatureExtractor.class);
      assertThat(shape.isPresent())
          .as("a backbone shape is given exactly when the model offers block features")
          .isEqualTo(blocks.isPresent());
      blocks.ifPresent(
          e ->
              assertThat(shape.orElseThrow())
                  .isEqualTo(
                      new BackboneShape(e.depth(), e.channels(), e.patchSize(), e.inputSize())));
    }
  }

  /** Calls every capability the model has on fixed inputs. */
  protected List<Object> probe(Model model) {
    List<Object> out = new ArrayList<>();
    List<RgbImage> images = List.of(FakeImages.solid(1, 32), FakeImages.solid(5, 40));
    model
        .capability(ImageEmbedder.class)
        .ifPresent(e -> out.add(e.embedImages(images, ImageView.SHORTER_SIDE_CENTER_CROP)));
    model
        .capability(TextEmbedder.class)
        .ifPresent(e -> out.add(e.embedTexts(List.of("a red circle", "two squares"))));
    model.capability(DenseFeatureExtractor.class).ifPresent(e -> out.add(e.extract(images)));
    model
        .capability(BlockFeatureExtractor.class)
        .ifPresent(
            e ->
                out.add(
                    e.extract(
                        images,
                        ImageView.SHORTER_SIDE_CENTER_CROP,
                        e.patchSize() * 2,
                        List.of(e.depth() - 1))));
    model.capability(VideoEmbedder.class).ifPresent(e -> out.add(e.embedVideos(List.of(images))));
    model
        .capability(CaptionGenerator.class)
        .ifPresent(e -> out.add(e.caption(images, "describe", GenerationSettings.greedy(8))));
    model
        .capability(MultipleChoiceChat.class)
        .ifPresent(
            e ->
                out.add(
                    e.answer(
                        List.of(
                            new ChatRequest(
                                images.get(0), "Which colour? A. red B. blue", List.of("A", "B"))),
                        GenerationSettings.greedy(4))));
    return out;
  }
}
