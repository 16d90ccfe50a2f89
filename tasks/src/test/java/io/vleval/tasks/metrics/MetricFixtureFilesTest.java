package io.vleval.tasks.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.testkit.FixtureCases;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Nothing under the fixture root's {@code metrics/} escapes the fixture tests: every JSON file
 * belongs to a known family (so none is skipped for an unknown or misspelt {@code family}) and
 * every TSV is the prediction or dataset file of an MMBench case.
 */
@FixtureTest
class MetricFixtureFilesTest {

  @Test
  void everyJsonFileIsOfAFamilyTheTestsCheck() {
    FixtureCases root = FixtureCases.of();
    // no files is no error here: each family's own tests fail when it has no case
    for (Path file : root.files("metrics", "json")) {
      JsonNode json = Fixtures.read(file);
      assertThat(json.path("family").asText())
          .as("'family' of %s", root.relative(file))
          .isIn(families());
    }
  }

  @Test
  void everyTsvFileBelongsToAnMmbenchCase() {
    FixtureCases root = FixtureCases.of();
    Set<Path> used = new HashSet<>();
    for (Fixtures.Mmbench m : Fixtures.mmbench()) {
      used.add(m.predictions());
      used.add(m.dataset());
    }
    assertThat(root.files("metrics", "tsv"))
        .as("TSV files of no MMBench case (no JSON file's rows match their indices)")
        .allSatisfy(tsv -> assertThat(used).as(root.relative(tsv)).contains(tsv));
  }

  private static Set<String> families() {
    Set<String> all = new HashSet<>(Fixtures.CASE_FAMILIES);
    all.add(Fixtures.MMBENCH);
    return all;
  }
}
