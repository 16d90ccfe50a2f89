package io.vleval.model.internvl.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The InternVL golden fixtures, under the shared fixture root of the test kit. */
final class Fixtures {

  private Fixtures() {}

  /** The InternVL fixture folder; a missing one fails the calling test. */
  static Path internvl() {
    Path dir = io.vleval.testkit.Fixtures.root().resolve("internvl");
    assertThat(Files.isDirectory(dir)).as("fixture folder %s", dir).isTrue();
    return dir;
  }
}
