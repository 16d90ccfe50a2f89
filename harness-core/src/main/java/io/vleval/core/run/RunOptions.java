package io.vleval.core.run;

import java.nio.file.Path;

/**
 * How to run a config.
 *
 * @param runDirectory the run directory to use, or {@code null} for a new one under the config's
 *     {@code out}
 * @param resume continue an interrupted run in {@code runDirectory} from its per-sample records
 */
public record RunOptions(Path runDirectory, boolean resume) {
  public RunOptions {
    if (resume && runDirectory == null) {
      throw new IllegalArgumentException("resuming needs the run directory (--out)");
    }
  }
}
