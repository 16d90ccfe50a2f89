package io.vleval.datasets.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardOrderTest {
  @Test
  void isAPermutationFixedBySeedAndEpoch() {
    int[] e0 = ShardOrder.permutation(100, 5, 0);
    assertThat(Arrays.stream(e0).sorted().toArray()).isEqualTo(IntStream.range(0, 100).toArray());
    assertThat(ShardOrder.permutation(100, 5, 0)).isEqualTo(e0);
    assertThat(ShardOrder.permutation(100, 5, 1)).isNotEqualTo(e0);
    assertThat(ShardOrder.permutation(100, 6, 0)).isNotEqualTo(e0);
    assertThat(ShardOrder.permutation(0, 5, 0)).isEmpty();
  }

  @Test
  void everyOrderOfThreeShardsComesUp() {
    Set<String> seen = new HashSet<>();
    for (int epoch = 0; epoch < 200; epoch++) {
      seen.add(Arrays.toString(ShardOrder.permutation(3, 11, epoch)));
    }
    assertThat(seen).hasSize(6);
  }
}
