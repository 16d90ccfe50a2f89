package io.vleval.datasets.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShuffleBufferTest {

  record Item(String id) implements Sample {}

  /** A source of n items that counts what it handed out; item "bad" indices throw instead. */
  static final class Source implements SampleCursor<Item> {
    final int n;
    final List<Integer> bad;
    int handedOut;
    boolean closed;

    Source(int n, List<Integer> bad) {
      this.n = n;
      this.bad = bad;
    }

    @Override
    public boolean hasNext() {
      return handedOut < n;
    }

    @Override
    public Item next() {
      if (handedOut >= n) {
        throw new NoSuchElementException();
      }
      int i = handedOut++;
      if (bad.contains(i)) {
        throw DatasetFormatException.forSample("s" + i, "f", "row " + i, "bad");
      }
      return new Item("s" + i);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static List<String> drain(ShuffleBuffer<Item> b, Source source, int capacity) {
    List<String> out = new ArrayList<>();
    while (b.hasNext()) {
      try {
        out.add(b.next().id());
      } catch (DatasetFormatException e) {
        out.add("!" + e.sampleId());
      }
      // never more than capacity held: read minus handed out (items and errors)
      assertThat(source.handedOut - out.size()).isBetween(0, capacity);
      assertThat(b.buffered()).isLessThanOrEqualTo(capacity);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 100, 1000, 5000})
  void isAPermutationThatNeverHoldsMoreThanItsCapacity(int capacity) {
    Source source = new Source(1000, List.of());
    List<String> out = drain(new ShuffleBuffer<>(source, capacity, 42), source, capacity);
    assertThat(out)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 1000).mapToObj(i -> "s" + i).toList());
    if (capacity == 1) {
      assertThat(out).isEqualTo(IntStream.range(0, 1000).mapToObj(i -> "s" + i).toList());
    }
  }

  @Test
  void theSameSeedGivesTheSameOrderAndAnotherSeedAnother() {
    Source a = new Source(500, List.of());
    Source b = new Source(500, List.of());
    Source c = new Source(500, List.of());
    List<String> first = drain(new ShuffleBuffer<>(a, 64, 3), a, 64);
    assertThat(drain(new ShuffleBuffer<>(b, 64, 3), b, 64)).isEqualTo(first);
    assertThat(drain(new ShuffleBuffer<>(c, 64, 4), c, 64)).isNotEqualTo(first);
  }

  @Test
  void aSampleComesOutAtMostCapacityMinusOnePlacesEarly() {
    int capacity = 16;
    Source source = new Source(2000, List.of());
    List<String> out = drain(new ShuffleBuffer<>(source, capacity, 9), source, capacity);
    for (int pos = 0; pos < out.size(); pos++) {
      int original = Integer.parseInt(out.get(pos).substring(1));
      assertThat(original - pos).isLessThanOrEqualTo(capacity - 1);
    }
  }

  @Test
  void malformedEntriesPassThroughAndTheCursorGoesOn() {
    Source source = new Source(50, List.of(3, 17, 49));
    ShuffleBuffer<Item> b = new ShuffleBuffer<>(source, 8, 1);
    List<String> out = drain(b, source, 8);
    assertThat(out).hasSize(50).contains("!s3", "!s17", "!s49");
    assertThat(out.stream().filter(s -> !s.startsWith("!"))).hasSize(47).doesNotHaveDuplicates();
    b.close();
    assertThat(source.closed).isTrue();
    assertThatThrownBy(() -> new ShuffleBuffer<>(new Source(1, List.of()), 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
