package io.vleval.reports.run;

import io.vleval.api.files.AtomicFiles;
import java.nio.file.Path;

/**
 * Writes reporter outputs so that readers see the old file or the new one, never half of one
 * ({@link AtomicFiles}, the runner's own writer), and resolves where a reporter's output goes.
 */
public final class OutputFiles {
  private OutputFiles() {}

  public static void write(Path target, String content) {
    AtomicFiles.write(target, content);
  }

  public static void write(Path target, byte[] content) {
    AtomicFiles.write(target, content);
  }

  /**
   * Where a reporter's {@code file} option points: relative to the run directory, or absolute.
   *
   * @throws IllegalArgumentException for a blank name
   */
  public static Path resolve(Path runDirectory, String file) {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("the output file name is blank");
    }
    return runDirectory.resolve(file);
  }
}
