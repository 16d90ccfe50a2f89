package io.vleval.reports.run;

import io.vleval.api.error.VlevalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes reporter outputs so that readers see the old file or the new one, never half of one
 * (a temporary file in the same folder, then a rename), as the runner does for its own files.
 */
public final class OutputFiles {
  private OutputFiles() {}

  public static void write(Path target, String content) {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      Files.write(tmp, content);
      readableByAll(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw new VlevalException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** Temporary files are private; a report is meant to be read (served, attached by CI) like any other file. */
  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its defaults apply
    }
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
