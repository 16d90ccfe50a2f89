package io.vleval.api.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The linear schedule over blocks and the seeded per-sample decisions. */
class DropPathTest {

  @Test
  void theScheduleRisesLinearlyFromZeroToTheRate() {
    DropPath dp = DropPath.seeded(0.4, 1);
    assertThat(dp.blockRate(0, 48)).isZero();
    assertThat(dp.blockRate(47, 48)).isEqualTo(0.4f);
    for (int i = 1; i < 48; i++) {
      assertThat(dp.blockRate(i, 48)).isGreaterThan(dp.blockRate(i - 1, 48));
      assertThat((double) dp.blockRate(i, 48)).isCloseTo(0.4 * i / 47, within(1e-7));
    }
    assertThat(dp.blockRate(0, 1)).isZero();
    assertThat(DropPath.NONE.blockRate(5, 12)).isZero();
  }

  @Test
  void theHalvesAreComputedFromEitherEndAsTorchLinspaceDoes() {
    // first half: step * i; second half: end - step * (n - 1 - i), each rounded once to float32
    DropPath dp = DropPath.seeded(0.3, 1);
    float step = 0.3f / 9;
    assertThat(dp.blockRate(4, 10)).isEqualTo(step * 4);
    assertThat(dp.blockRate(5, 10)).isEqualTo((float) (0.3f - (double) step * 4));
    assertThat(dp.blockRate(9, 10)).isEqualTo(0.3f);
  }

  @Test
  void refusesWhatIsNotAProbability() {
    assertThatThrownBy(() -> DropPath.seeded(1.5, 0)).hasMessageContaining("outside [0, 1]");
    assertThatThrownBy(() -> DropPath.seeded(Double.NaN, 0)).hasMessageContaining("NaN");
    assertThatThrownBy(() -> DropPath.seeded(0.1, 0).blockRate(3, 3))
        .hasMessageContaining("block 3 is outside 0..2");
  }

  @Test
  void seededMasksAreReproducibleAndKeepAtTheirProbability() {
    DropPathMasks a = DropPathMasks.seeded(new SplittableRandom(42));
    DropPathMasks b = DropPathMasks.seeded(new SplittableRandom(42));
    int kept = 0;
    int n = 20_000;
    for (int block = 0; block < 4; block++) {
      boolean[] x = a.keep(block, DropPathMasks.Branch.ATTENTION, n / 4, 0.7);
      boolean[] y = b.keep(block, DropPathMasks.Branch.ATTENTION, n / 4, 0.7);
      assertThat(x).isEqualTo(y);
      for (boolean k : x) {
        kept += k ? 1 : 0;
      }
    }
    assertThat(kept / (double) n).isBetween(0.68, 0.72);
    boolean[] other =
        DropPathMasks.seeded(new SplittableRandom(43)).keep(0, DropPathMasks.Branch.MLP, 64, 0.5);
    boolean[] first =
        DropPathMasks.seeded(new SplittableRandom(42)).keep(0, DropPathMasks.Branch.MLP, 64, 0.5);
    assertThat(other).isNotEqualTo(first);
    assertThat(DropPathMasks.KEEP_ALL.keep(0, DropPathMasks.Branch.MLP, 3, 0.1)).containsOnly(true);
  }
}
