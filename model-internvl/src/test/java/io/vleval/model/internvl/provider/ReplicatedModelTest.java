package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.fake.FakeImages;
import io.vleval.testkit.fake.FakeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The dealing of capability calls across replicas, on fake models. */
class ReplicatedModelTest {

  private static final ModelInfo INFO = new ModelInfo("sum", "fake", "cpu,cpu");

  private static List<RgbImage> images(int n) {
    return IntStream.range(0, n).mapToObj(i -> FakeImages.solid(i, 4)).toList();
  }

  @Test
  void dealsWholeBatchesAndReturnsResultsInInputOrder() {
    FakeModel a = new FakeModel();
    FakeModel b = new FakeModel();
    FakeModel single = new FakeModel();
    List<RgbImage> images = images(7);
    try (ReplicatedModel model = new ReplicatedModel(List.of(a, b), INFO, 2)) {
      float[][] dealt = model.require(ImageEmbedder.class).embedImages(images, ImageView.SQUASH);
      float[][] expected =
          single.require(ImageEmbedder.class).embedImages(images, ImageView.SQUASH);
      assertThat(dealt).isDeepEqualTo(expected);
      // four batches of two (the last one short): two for each replica
      assertThat(a.imagesEmbedded()).isEqualTo(4);
      assertThat(b.imagesEmbedded()).isEqualTo(3);

      List<String> texts = List.of("a red cat", "blue", "green dog", "x", "y z");
      assertThat(model.require(TextEmbedder.class).embedTexts(texts))
          .isDeepEqualTo(single.require(TextEmbedder.class).embedTexts(texts));
      GenerationSettings greedy = new GenerationSettings(1, 1, 4, 1.0);
      assertThat(model.require(CaptionGenerator.class).caption(images, "p", greedy))
          .isEqualTo(single.require(CaptionGenerator.class).caption(images, "p", greedy));
    }
    assertThat(a.isClosed()).isTrue();
    assertThat(b.isClosed()).isTrue();
  }

  @Test
  void aSingleBatchStaysOnTheFirstReplica() {
    FakeModel a = new FakeModel();
    FakeModel b = new FakeModel();
    try (ReplicatedModel model = new ReplicatedModel(List.of(a, b), INFO, 8)) {
      model.require(ImageEmbedder.class).embedImages(images(5), ImageView.SQUASH);
    }
    assertThat(a.imagesEmbedded()).isEqualTo(5);
    assertThat(b.imagesEmbedded()).isZero();
  }

  @Test
  void aReplicasFailureReachesTheCallerAsItWas() {
    List<String> seen = new ArrayList<>();
    Model failing =
        new Model() {
          @Override
          public Set<Class<? extends Capability>> capabilities() {
            return Set.of(ImageEmbedder.class);
          }

          @Override
          public <C extends Capability> Optional<C> capability(Class<C> type) {
            ImageEmbedder e =
                new ImageEmbedder() {
                  @Override
                  public int embeddingSize() {
                    return 1;
                  }

                  @Override
                  public float[][] embedImages(List<RgbImage> images, ImageView view) {
                    synchronized (seen) {
                      seen.add(Thread.currentThread().getName());
                    }
                    throw new VlevalException("image.png: broken image");
                  }
                };
            return Optional.of(type.cast(e));
          }

          @Override
          public ModelInfo info() {
            return INFO;
          }

          @Override
          public void close() {}
        };
    try (ReplicatedModel model = new ReplicatedModel(List.of(failing, new FakeModel()), INFO, 1)) {
      assertThatThrownBy(
              () -> model.require(ImageEmbedder.class).embedImages(images(4), ImageView.SQUASH))
          .isInstanceOf(VlevalException.class)
          .hasMessage("image.png: broken image");
    }
    assertThat(seen).hasSize(1).allMatch(name -> name.startsWith("vleval-replica-"));
  }
}
