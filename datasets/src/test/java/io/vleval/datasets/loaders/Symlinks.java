package io.vleval.datasets.loaders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Creates real symbolic links for tests. Where the file system cannot hold them, the test is
 * skipped with the reason, except under {@code CI=true}, where it fails: CI must run it.
 */
public final class Symlinks {
  private Symlinks() {}

  public static Path create(Path link, Path target) {
    try {
      return Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException | SecurityException e) {
      String reason = "this file system cannot create the symbolic link " + link + ": " + e;
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(reason + " (CI=true: symbolic link tests must run)", e);
      }
      Assumptions.abort(reason);
      throw new AssertionError("unreachable", e);
    }
  }
}
