package io.vleval.tasks.linearprobe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.sample.RgbImage;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The draws of the training transform and of Mixup/CutMix: what the parity fixtures cannot pin (the
 * random numbers are the run's own), checked for the distributions the reference draws from.
 */
class AugmentationDrawTest {

  @Test
  void cropsFitTheImageWithinTheScaleAndRatioRangesAndHalfAreFlipped() {
    SplittableRandom random = new SplittableRandom(1);
    int flips = 0;
    for (int k = 0; k < 2000; k++) {
      int w = 40 + k % 300;
      int h = 30 + (k * 7) % 250;
      ResizedCrop c = ResizedCrop.draw(w, h, random);
      assertThat(c.top() + c.height()).isLessThanOrEqualTo(h);
      assertThat(c.left() + c.width()).isLessThanOrEqualTo(w);
      double area = (double) c.width() * c.height() / (w * h);
      // rounding the sides to whole pixels moves the area a little past the range on small images
      assertThat(area).isBetween(0.05, 1.0);
      flips += c.flip() ? 1 : 0;
    }
    assertThat(flips).isBetween(900, 1100);
  }

  @Test
  void anImageTooNarrowForTheRatiosFallsBackToItsCentralCrop() {
    // torchvision's fallback: a 1000 x 10 strip is cropped to its central 13 x 10, and a 10 x 1000
    // one to 10 x 13
    ResizedCrop c = ResizedCrop.central(1000, 10);
    assertThat(c).isEqualTo(new ResizedCrop(0, 493, 10, 13, false));
    assertThat(ResizedCrop.central(10, 1000)).isEqualTo(new ResizedCrop(493, 0, 13, 10, false));
    assertThat(ResizedCrop.central(30, 30)).isEqualTo(new ResizedCrop(0, 0, 30, 30, false));
  }

  @Test
  void mixingDrawsCutMixHalfTheTimeWithBoxesInsideAndCorrectedLambdas() {
    MixBatch.Settings reference = new MixBatch.Settings(0.8, 1.0, 1.0, 0.5, 0.1);
    SplittableRandom random = new SplittableRandom(2);
    int cutmix = 0;
    double meanLambda = 0;
    for (int k = 0; k < 4000; k++) {
      MixBatch m = MixBatch.draw(reference, 224, 224, random);
      assertThat(m.lambda()).isBetween(0.0, 1.0);
      meanLambda += m.lambda();
      if (m.cutmix()) {
        cutmix++;
        assertThat(m.yl()).isBetween(0, m.yh());
        assertThat(m.yh()).isLessThanOrEqualTo(224);
        assertThat(m.xl()).isBetween(0, m.xh());
        assertThat(m.xh()).isLessThanOrEqualTo(224);
        double area = (double) (m.yh() - m.yl()) * (m.xh() - m.xl()) / (224 * 224);
        assertThat(m.lambda()).isEqualTo(1 - area);
      }
    }
    assertThat(cutmix).isBetween(1800, 2200);
    // Beta(a, a) is symmetric: lambda averages 1/2 (CutMix's correction raises it a little)
    assertThat(meanLambda / 4000).isBetween(0.48, 0.6);
    // no mixing: the images stay, the targets are only smoothed
    MixBatch none = MixBatch.draw(new MixBatch.Settings(0, 0, 1, 0.5, 0.1), 8, 8, random);
    assertThat(none).isEqualTo(MixBatch.NONE);
    List<RgbImage> batch =
        List.of(new RgbImage(2, 1, new byte[6]), new RgbImage(2, 1, new byte[6]));
    assertThat(none.apply(batch)).isSameAs(batch);
    float[][] t = none.targets(new int[] {0, 1}, 4, 0.1);
    assertThat(t[0]).containsExactly(0.925f, 0.025f, 0.025f, 0.025f);
  }

  @Test
  void betaDrawsHaveTheirMean() {
    SplittableRandom random = new SplittableRandom(3);
    for (double alpha : new double[] {0.8, 1.0, 2.0}) {
      double sum = 0;
      double sq = 0;
      int n = 20000;
      for (int i = 0; i < n; i++) {
        double b = MixBatch.beta(alpha, random);
        sum += b;
        sq += b * b;
      }
      double mean = sum / n;
      double var = sq / n - mean * mean;
      assertThat(mean).isCloseTo(0.5, Offset.offset(0.01));
      // Var Beta(a, a) = 1 / (4 (2a + 1))
      assertThat(var).isCloseTo(1 / (4 * (2 * alpha + 1)), Offset.offset(0.005));
    }
  }
}
