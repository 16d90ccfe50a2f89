package io.vleval.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.SampleCursor;
import io.vleval.training.loop.SampleOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Streamed examples: every epoch reads the data again through a seeded shuffle buffer, each example
 * once per epoch, in an order that depends only on the seed and the position; only the last
 * micro-batches stay readable.
 */
class StreamedExamplesTest {

  /** Ten examples a pass, in order; counts how many passes were opened. */
  private static final class Source implements IntFunction<SampleCursor<Text>> {
    final List<Integer> opened = new ArrayList<>();

    @Override
    public SampleCursor<Text> apply(int epoch) {
      opened.add(epoch);
      Iterator<Text> it =
          IntStream.range(0, 10).mapToObj(i -> new Text("t" + i, "text " + i)).iterator();
      return new SampleCursor<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Text next() {
          return it.next();
        }

        @Override
        public void close() {}
      };
    }
  }

  private static List<String> draw(StreamedExamples<Text> ex, long from, long to) {
    SampleOrder order = ex.order(0);
    List<String> out = new ArrayList<>();
    for (long k = from; k < to; k++) {
      out.add(ex.get(order.at(k)).id());
    }
    return out;
  }

  @Test
  void everyEpochDrawsEachExampleOnceInItsOwnSeededOrder() {
    Source source = new Source();
    StreamedExamples<Text> ex = new StreamedExamples<>(source, 4, 11L, 8, "stage 't'");
    List<String> drawn = draw(ex, 0, 30);
    List<List<String>> epochs =
        List.of(drawn.subList(0, 10), drawn.subList(10, 20), drawn.subList(20, 30));
    for (List<String> e : epochs) {
      assertThat(new HashSet<>(e)).hasSize(10);
    }
    assertThat(new HashSet<>(epochs)).as("each epoch mixes differently").hasSize(3);
    assertThat(epochs.get(0)).isNotEqualTo(IntStream.range(0, 10).mapToObj(i -> "t" + i).toList());
    assertThat(source.opened).containsExactly(0, 1, 2);
    SampleOrder order = ex.order(0);
    assertThat(order.epochs(9)).isZero();
    assertThat(order.epochs(10)).isEqualTo(1);
    assertThat(order.epochs(30)).isEqualTo(3);
    assertThat(ex.size()).isEqualTo(-1);
    // the same seed draws the same stream; another seed another one
    assertThat(draw(new StreamedExamples<>(new Source(), 4, 11L, 8, "t"), 0, 30)).isEqualTo(drawn);
    assertThat(draw(new StreamedExamples<>(new Source(), 4, 12L, 8, "t"), 0, 30))
        .isNotEqualTo(drawn);
  }

  /**
   * A resumed run starts drawing at a later position: it reads the stream again from the start and
   * draws what the uninterrupted run drew there.
   */
  @Test
  void aLaterStartDrawsWhatTheUninterruptedRunDrew() {
    List<String> all = draw(new StreamedExamples<>(new Source(), 4, 3L, 8, "t"), 0, 40);
    assertThat(draw(new StreamedExamples<>(new Source(), 4, 3L, 8, "t"), 24, 40))
        .isEqualTo(all.subList(24, 40));
  }

  /** Only the last {@code keep} examples stay readable: the stream holds no more than that. */
  @Test
  void onlyTheLastExamplesAreHeld() {
    StreamedExamples<Text> ex = new StreamedExamples<>(new Source(), 4, 3L, 4, "t");
    Set<String> batch = new HashSet<>();
    for (int k = 20; k < 24; k++) {
      batch.add(ex.get(k).id());
    }
    // a second replica reads the same micro-batch again
    for (int k = 20; k < 24; k++) {
      assertThat(batch).contains(ex.get(k).id());
    }
    ex.get(40);
    assertThatThrownBy(() -> ex.get(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("position 20 of the stream was passed");
  }

  @Test
  void anEmptyStreamSaysSoNamingTheStage() {
    StreamedExamples<Text> ex =
        new StreamedExamples<>(
            epoch ->
                new SampleCursor<Text>() {
                  @Override
                  public boolean hasNext() {
                    return false;
                  }

                  @Override
                  public Text next() {
                    throw new IllegalStateException();
                  }

                  @Override
                  public void close() {}
                },
            4,
            3L,
            4,
            "stage 'wds'");
    assertThatThrownBy(() -> ex.get(0))
        .isInstanceOf(VlevalException.class)
        .hasMessage("stage 'wds': its data holds no samples");
  }
}
