package io.vleval.model.internvl.nd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.vleval.api.error.VlevalException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The thread counts PyTorch gets: explicit choices first, never more than the cores. */
class TorchThreadsTest {

  private static UnaryOperator<String> map(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m::get;
  }

  @Test
  void byDefaultOneIntraOpThreadPerProcessorAndOneInterOpThread() {
    for (int cores : new int[] {1, 2, 16}) {
      TorchThreads.Setting s = TorchThreads.resolve(map(), map(), cores);
      assertThat(s.intraOp()).isEqualTo(cores);
      assertThat(s.interOp()).isEqualTo(1);
      assertThat(s.source()).isEqualTo("available processors");
    }
  }

  @Test
  void theSystemPropertyWinsOverOmpNumThreadsAndTheCores() {
    TorchThreads.Setting s =
        TorchThreads.resolve(
            map("ai.djl.pytorch.num_threads", "3", "ai.djl.pytorch.num_interop_threads", "2"),
            map("OMP_NUM_THREADS", "5"),
            16);
    assertThat(s.intraOp()).isEqualTo(3);
    assertThat(s.interOp()).isEqualTo(2);
    assertThat(s.source()).isEqualTo("-Dai.djl.pytorch.num_threads");
  }

  @Test
  void ompNumThreadsWinsOverTheCoresAndItsFirstLevelCounts() {
    assertThat(TorchThreads.resolve(map(), map("OMP_NUM_THREADS", "5"), 16).intraOp()).isEqualTo(5);
    TorchThreads.Setting nested = TorchThreads.resolve(map(), map("OMP_NUM_THREADS", "4,2"), 16);
    assertThat(nested.intraOp()).isEqualTo(4);
    assertThat(nested.interOp()).isEqualTo(1);
    assertThat(nested.source()).isEqualTo("OMP_NUM_THREADS");
    assertThat(TorchThreads.resolve(map(), map("OMP_NUM_THREADS", " "), 2).intraOp()).isEqualTo(2);
  }

  @Test
  void aValueThatIsNotAPositiveWholeNumberIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(
            () -> TorchThreads.resolve(map("ai.djl.pytorch.num_threads", "two"), map(), 2))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            "the system property -Dai.djl.pytorch.num_threads is 'two': expected a positive whole"
                + " number of threads, such as 1 or 2");
    assertThatThrownBy(() -> TorchThreads.resolve(map(), map("OMP_NUM_THREADS", "0"), 2))
        .isInstanceOf(VlevalException.class)
        .hasMessageStartingWith("the environment variable OMP_NUM_THREADS is '0': expected");
    assertThatThrownBy(
            () -> TorchThreads.resolve(map("ai.djl.pytorch.num_interop_threads", "-1"), map(), 2))
        .isInstanceOf(VlevalException.class)
        .hasMessageStartingWith("the system property -Dai.djl.pytorch.num_interop_threads is '-1'");
  }

  @Test
  void concurrentCallersShareTheThreadsAndNeverExceedThem() {
    assertThat(TorchThreads.share(2, 1)).isEqualTo(2);
    assertThat(TorchThreads.share(2, 2)).isEqualTo(1);
    assertThat(TorchThreads.share(16, 3)).isEqualTo(5);
    // more callers than threads: each still needs one
    assertThat(TorchThreads.share(2, 4)).isEqualTo(1);
    for (int threads = 1; threads <= 32; threads++) {
      for (int callers = 1; callers <= threads; callers++) {
        assertThat(TorchThreads.share(threads, callers) * callers)
            .as("%d threads over %d callers", threads, callers)
            .isLessThanOrEqualTo(threads)
            .isGreaterThan(threads - callers);
      }
    }
    assertThatThrownBy(() -> TorchThreads.share(2, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void limitForSetsTheEnginesShareAndRestoresIt() {
    Engine.getEngine("PyTorch");
    int before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(4);
    try {
      TorchThreads.Scope scope = TorchThreads.limitFor(2);
      assertThat(JniUtils.getNumThreads()).isEqualTo(2);
      scope.close();
      assertThat(JniUtils.getNumThreads()).isEqualTo(4);
    } finally {
      JniUtils.setNumThreads(before);
    }
  }
}
