package io.vleval.core.run;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.List;

/**
 * Under {@code on_error: fail}, the first dataset entry that cannot be listed (a malformed row)
 * stops the run. Before it stops, the rest of the listing is walked, decoding nothing, so that the
 * message names every malformed entry at once rather than one per run.
 */
final class ListingProblems {

  /** How many malformed entries the message shows; the rest are counted. */
  static final int SHOWN = 20;

  private ListingProblems() {}

  /**
   * The failure to throw: {@code first} itself when it is the only malformed entry, else one
   * message listing each (at most {@link #SHOWN}, then how many more).
   */
  static RuntimeException of(Dataset<?> dataset, String name, DatasetFormatException first) {
    List<String> shown = new ArrayList<>();
    long count = 0;
    try (SampleCursor<?> cursor = dataset.samples()) {
      while (true) {
        try {
          if (!cursor.hasNext()) {
            break;
          }
          cursor.next();
        } catch (DatasetFormatException e) {
          count++;
          if (shown.size() < SHOWN) {
            shown.add(e.getMessage());
          }
          if (e.sampleId() == null) {
            break; // a problem with the whole file: nothing after it can be listed
          }
        }
      }
    } catch (RuntimeException e) {
      // the walk is only for a fuller message: the run still stops on the first entry
      first.addSuppressed(e);
      return first;
    }
    if (count <= 1) {
      return first;
    }
    StringBuilder message =
        new StringBuilder("dataset '")
            .append(name)
            .append("' has ")
            .append(count)
            .append(" malformed entries:");
    for (String line : shown) {
      message.append('\n').append(line);
    }
    if (count > shown.size()) {
      message
          .append("\n... and ")
          .append(count - shown.size())
          .append(" more; with on_error: skip each is recorded in the task's errors.jsonl");
    }
    return new VlevalException(message.toString(), first);
  }
}
