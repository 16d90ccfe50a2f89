package io.vleval.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the golden fixtures are: {@code VLEVAL_FIXTURES}, else the {@code fixtures/} folder of the
 * repository (Surefire passes the repository root as the system property {@code vleval.repoRoot}).
 * A missing root fails the calling test: fidelity checks must never be skipped silently. {@link
 * FixtureCases} finds the cases under it.
 */
public final class Fixtures {

  /** The environment variable that points the tests at another fixture root. */
  public static final String ENV = "VLEVAL_FIXTURES";

  /** The folder of the repository that holds the vendored fixtures. */
  public static final String DEFAULT_FOLDER = "fixtures";

  private Fixtures() {}

  /**
   * @return the fixture root, an existing directory
   * @throws AssertionError when it does not exist
   */
  public static Path root() {
    String env = System.getenv(ENV);
    Path root;
    if (env != null && !env.isBlank()) {
      root = Path.of(env);
    } else {
      String repo = System.getProperty("vleval.repoRoot", ".");
      root = Path.of(repo).resolve(DEFAULT_FOLDER).normalize();
    }
    if (!Files.isDirectory(root)) {
      throw new AssertionError(
          "fixture root "
              + root.toAbsolutePath()
              + " does not exist; set "
              + ENV
              + " to a folder holding metrics/, preprocess/ and internvl/ (by default the"
              + " repository's fixtures/ folder, found through the system property"
              + " vleval.repoRoot)");
    }
    return root;
  }
}
