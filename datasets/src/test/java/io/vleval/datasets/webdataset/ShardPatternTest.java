package io.vleval.datasets.webdataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShardPatternTest {
  @Test
  void expandsZeroPaddedRangesListsAndTheirProducts() {
    assertThat(ShardPattern.expand("train-{000008..000011}.tar"))
        .containsExactly(
            "train-000008.tar", "train-000009.tar", "train-000010.tar", "train-000011.tar");
    assertThat(ShardPattern.expand("{a,b}/{0..1}.tar"))
        .containsExactly("a/0.tar", "a/1.tar", "b/0.tar", "b/1.tar");
    assertThat(ShardPattern.expand("plain.tar")).containsExactly("plain.tar");
  }

  @Test
  void malformedPatternsSayWhy() {
    assertThatThrownBy(() -> ShardPattern.expand("{3..1}.tar")).hasMessageContaining("ends before");
    assertThatThrownBy(() -> ShardPattern.expand("{1..2.tar")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> ShardPattern.expand("{x..y}.tar"))
        .hasMessageContaining("whole numbers");
    assertThatThrownBy(() -> ShardPattern.expand("{0..9999999}"))
        .hasMessageContaining("more than 1000000");
  }
}
