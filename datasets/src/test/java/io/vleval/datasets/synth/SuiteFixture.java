package io.vleval.datasets.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One tiny synthetic suite per test JVM, written once and shared by the loader tests. */
public final class SuiteFixture {
  private static Path suite;

  private SuiteFixture() {}

  public static synchronized Path tiny() {
    if (suite == null) {
      try {
        Path dir = Files.createTempDirectory("vleval-suite");
        suite = dir.resolve("tiny");
        new SyntheticSuite(7, Scale.TINY).write(suite, 2);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return suite;
  }
}
