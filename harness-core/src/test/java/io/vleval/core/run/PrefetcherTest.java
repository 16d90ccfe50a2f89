package io.vleval.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

  /** A cursor of n images that counts how far it has been read and how many images were decoded. */
  static final class Counting implements SampleCursor<LabelledImage> {
    final AtomicInteger listed = new AtomicInteger();
    final AtomicInteger decoded = new AtomicInteger();
    final int n;
    final int broken;

    Counting(int n, int broken) {
      this.n = n;
      this.broken = broken;
    }

    @Override
    public boolean hasNext() {
      return listed.get() < n;
    }

    @Override
    public LabelledImage next() {
      int i = listed.getAndIncrement();
      if (i == broken) {
        throw DatasetFormatException.forSample("s" + i, "list.txt", "line " + (i + 1), "malformed");
      }
      ImageSource source =
          new ImageSource() {
            @Override
            public RgbImage load() {
              decoded.incrementAndGet();
              return new RgbImage(1, 1, new byte[] {(byte) i, 0, 0});
            }

            @Override
            public String origin() {
              return "s" + i;
            }
          };
      return new LabelledImage("s" + i, source, i % 3);
    }

    @Override
    public void close() {}
  }

  @Test
  void deliversEverySampleInOrderDecoded() {
    Counting cursor = new Counting(23, 7);
    List<String> ids = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try (Prefetcher p = new Prefetcher(cursor, id -> id.equals("s3"), 4, 3, 2)) {
      List<Prefetcher.Entry> chunk;
      while ((chunk = p.next()) != null) {
        for (Prefetcher.Entry e : chunk) {
          ids.add(e.id());
          if (e.listingError() != null) {
            errors.add(e.listingError().getMessage());
          } else if (e.sample() != null) {
            LabelledImage s = (LabelledImage) Prefetcher.await(e);
            assertThat(s.image().load().rgb()[0])
                .isEqualTo((byte) Integer.parseInt(e.id().substring(1)));
          }
        }
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      expected.add("s" + i);
    }
    assertThat(ids).isEqualTo(expected);
    assertThat(errors).containsExactly("list.txt: line 8: malformed");
    // s3 was recorded already and s7 could not be listed: neither was decoded
    assertThat(cursor.decoded.get()).isEqualTo(21);
  }

  @Test
  void readsAheadOnlyAsFarAsTheQueueAllows() throws InterruptedException {
    Counting cursor = new Counting(10_000, -1);
    try (Prefetcher p = new Prefetcher(cursor, id -> false, 8, 2, 2)) {
      assertThat(p.next()).hasSize(8);
      Thread.sleep(300);
      // the queue holds 2 batches, the producer one more in hand: far below the 10,000 available
      assertThat(cursor.listed.get()).isLessThanOrEqualTo(8 * 4);
    }
  }
}
