package io.vleval.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared golden fixtures are: {@code VLEVAL_FIXTURES}, else {@code ../shared/fixtures}
 * beside the repository (Surefire passes the repository root as {@code vleval.repoRoot}). A missing
 * root fails the calling test: fidelity checks must never be skipped silently.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path root() {
    String env = System.getenv("VLEVAL_FIXTURES");
    Path root;
    if (env != null && !env.isBlank()) {
      root = Path.of(env);
    } else {
      String repo = System.getProperty("vleval.repoRoot", ".");
      root = Path.of(repo).resolve("../shared/fixtures").normalize();
    }
    if (!Files.isDirectory(root)) {
      throw new AssertionError(
          "fixture root "
              + root.toAbsolutePath()
              + " does not exist; set VLEVAL_FIXTURES to the folder holding metrics/, preprocess/ and internvl/");
    }
    return root;
  }
}
