package io.vleval.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.sample.RgbImage;
import io.vleval.testkit.contract.ModelProviderContractTest;
import java.util.List;
import org.junit.jupiter.api.Test;

class PixelBaselineProviderTest extends ModelProviderContractTest<PixelBaselineProvider.Spec> {

  @Override
  protected ModelProvider<PixelBaselineProvider.Spec> provider() {
    return new PixelBaselineProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "grid: 4\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("grid: 4\ncolour: true\n", "colour");
  }

  @Test
  void embeddingIsTheCentredColourLayout() {
    // left half red, right half blue, on a 2x2 grid
    byte[] rgb = new byte[4 * 2 * 3];
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        int o = (y * 4 + x) * 3;
        if (x < 2) {
          rgb[o] = (byte) 255;
        } else {
          rgb[o + 2] = (byte) 255;
        }
      }
    }
    try (Model model =
        provider()
            .load(specYaml().bind(PixelBaselineProvider.Spec.class, "grid: 2\n"), context(0))) {
      float[] v =
          model.require(ImageEmbedder.class)
              .embedImages(List.of(new RgbImage(4, 2, rgb)), ImageView.SQUASH)[0];
      assertThat(v)
          .containsExactly(
              0.5f, -0.5f, -0.5f, -0.5f, -0.5f, 0.5f, 0.5f, -0.5f, -0.5f, -0.5f, -0.5f, 0.5f);
    }
  }

  @Test
  void sharedWordsMakeTextsSimilar() {
    float[] a = PixelBaselineProvider.bagOfWords("a red circle", 192);
    float[] b = PixelBaselineProvider.bagOfWords("A RED circle!", 192);
    assertThat(b).containsExactly(a);
  }
}
