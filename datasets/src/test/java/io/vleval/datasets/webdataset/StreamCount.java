package io.vleval.datasets.webdataset;

import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.conversations.LlavaConversationsProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Run in a child JVM by {@link BoundedMemoryTest}: streams the WebDataset shards and the JSONL file
 * that test wrote through their loaders and a shuffle buffer, checking that every sample comes
 * exactly once (a bit per sample number, so the check itself holds nothing per sample), and prints
 * the counts. With {@code retain} it also keeps every sample, the control that shows the heap limit
 * is tight enough to catch a loader that holds its samples.
 */
public final class StreamCount {
  private StreamCount() {}

  public static void main(String[] args) {
    boolean retain = args[0].equals("retain");
    Path dir = Path.of(args[1]);
    int expected = Integer.parseInt(args[2]);
    PluginContext context = new PluginContext(1, dir.resolve("cache"), 1);
    List<Sample> kept = new ArrayList<>();
    long pairs =
        count(
            new WebDatasetProvider()
                .open(
                    new WebDatasetProvider.Spec(
                        dir.resolve("wds"), List.of("shard-{00..09}.tar"), 1000, true, 3L, 0, null),
                    context)
                .samples(),
            expected,
            retain ? kept : null,
            true);
    long conversations =
        count(
            new LlavaConversationsProvider()
                .open(
                    new LlavaConversationsProvider.Spec(
                        dir.resolve("sft/train.jsonl"), null, null, 1000, 3L),
                    context)
                .samples(),
            expected,
            retain ? kept : null,
            false);
    System.out.println(
        "counted " + pairs + " " + conversations + " max heap " + Runtime.getRuntime().maxMemory());
  }

  private static long count(
      SampleCursor<? extends Sample> cursor, int expected, List<Sample> kept, boolean decode) {
    BitSet seen = new BitSet(expected);
    long n = 0;
    try (cursor) {
      while (cursor.hasNext()) {
        Sample s = cursor.next();
        int i = Integer.parseInt(s.id().substring(s.id().lastIndexOf('/') + 1));
        if (seen.get(i)) {
          throw new IllegalStateException("sample " + s.id() + " came twice");
        }
        seen.set(i);
        n++;
        if (decode && i % 10_000 == 0) {
          ((CaptionedImage) s).image().load();
        }
        if (kept != null) {
          kept.add(s);
        }
      }
    }
    if (seen.cardinality() != expected) {
      throw new IllegalStateException(
          "expected " + expected + " distinct samples, got " + seen.cardinality());
    }
    return n;
  }
}
