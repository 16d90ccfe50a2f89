package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * InternViT's block features are the same tokens its other capabilities read: the last block's
 * class token is the stand-alone InternViT's image embedding, its patch grid the dense features; an
 * earlier block differs from the last.
 */
class BlockFeaturesTest {

  @TempDir Path temp;

  @Test
  void theLastBlockIsWhatTheOtherCapabilitiesRead() {
    InternVlSpec spec =
        new SpecYaml(temp).bind(InternVlSpec.class, "preset: tiny\nbatch_size: 2\ndevice: cpu\n");
    List<RgbImage> images =
        List.of(FakeImages.solid(1, 40), FakeImages.solid(5, 56), FakeImages.solid(9, 33));
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      BlockFeatureExtractor blocks = model.require(BlockFeatureExtractor.class);
      int last = blocks.depth() - 1;
      List<List<BlockFeatures>> features =
          blocks.extract(images, ImageView.SQUASH, blocks.inputSize(), List.of(last, 0));
      float[][] embeddings =
          model.require(ImageEmbedder.class).embedImages(images, ImageView.SQUASH);
      List<DenseFeatures> dense = model.require(DenseFeatureExtractor.class).extract(images);
      for (int i = 0; i < images.size(); i++) {
        BlockFeatures lastBlock = features.get(i).get(0);
        assertThat(lastBlock.block()).isEqualTo(last);
        assertThat(lastBlock.classToken()).as("image %d", i).containsExactly(embeddings[i]);
        assertThat(lastBlock.patches()).usingRecursiveComparison().isEqualTo(dense.get(i));
        BlockFeatures first = features.get(i).get(1);
        assertThat(first.block()).isZero();
        assertThat(first.classToken()).isNotEqualTo(lastBlock.classToken());
      }
    }
  }
}
