package io.vleval.model.internvl.vision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Writes each case's worst error to {@code target/parity-report/<case>.txt}, so figures can be
 * quoted.
 */
final class ParityReport {

  private ParityReport() {}

  static void record(String name, double maxAbs, int tensors) {
    Path file = Path.of("target", "parity-report", name + ".txt");
    String line =
        String.format(Locale.ROOT, "%s\t%d tensors\tmax abs %.3e%n", name, tensors, maxAbs);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          line,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
