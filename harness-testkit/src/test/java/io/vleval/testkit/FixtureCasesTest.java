package io.vleval.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class FixtureCasesTest {

  @TempDir Path root;

  @Test
  void listsFoldersAndFilesOfAnAreaSortedAndNothingForAMissingArea() throws IOException {
    Files.createDirectories(root.resolve("internvl/b_case"));
    Files.createDirectories(root.resolve("internvl/a_case"));
    Files.writeString(root.resolve("internvl/README.md"), "not a case");
    Files.createDirectories(root.resolve("metrics/sub"));
    Files.writeString(root.resolve("metrics/sub/a.json"), "{}");
    Files.writeString(root.resolve("metrics/z.json"), "{}");
    Files.writeString(root.resolve("metrics/notes.txt"), "");
    FixtureCases cases = FixtureCases.at(root);
    assertThat(cases.folders("internvl"))
        .extracting(cases::relative)
        .containsExactly("internvl/a_case", "internvl/b_case");
    assertThat(cases.files("metrics", "json"))
        .extracting(cases::relative)
        .containsExactly("metrics/sub/a.json", "metrics/z.json");
    assertThat(cases.folders("preprocess")).isEmpty();
    assertThat(cases.files("preprocess", "json")).isEmpty();
  }

  @Test
  void aKindWithoutCasesFailsNamingTheRootTheKindAndTheWayOut() {
    FixtureCases cases = FixtureCases.at(root);
    assertThatThrownBy(() -> cases.require("internvl/vision", List.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(root.toString())
        .hasMessageContaining("'internvl/vision'")
        .hasMessageContaining(FixtureCases.ABSENT_KINDS);
    assertThat(cases.require("internvl/vision", List.of("a", "b"))).containsExactly("a", "b");
  }

  @Test
  void aKindTheRootDeclaresAbsentIsSkippedAndMustReallyBeAbsent() throws IOException {
    Files.writeString(
        root.resolve(FixtureCases.ABSENT_KINDS),
        "# only metrics here\ninternvl/vision   # no InternViT\n\npreprocess\n");
    FixtureCases cases = FixtureCases.at(root);
    assertThat(cases.absentKinds()).containsExactly("internvl/vision", "preprocess");
    assertThatThrownBy(() -> cases.require("internvl/vision", List.of()))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("deliberately lacks");
    assertThatThrownBy(() -> cases.require("internvl/vision with hr inputs", List.of()))
        .as("a listed kind covers its narrower selections")
        .isInstanceOf(TestAbortedException.class);
    assertThatThrownBy(() -> cases.require("internvl/visionary", List.of()))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> cases.require("preprocess", List.of("case00")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("case00");
    assertThatThrownBy(() -> cases.require("internvl/chat", List.of()))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void theRootIsTheEnvironmentsElseTheRepositorysFixturesFolder() {
    String env = System.getenv(Fixtures.ENV);
    if (env != null && !env.isBlank()) {
      assertThat(Fixtures.root()).isEqualTo(Path.of(env));
    } else {
      // Surefire sets vleval.repoRoot; the vendored root holds the three areas
      Path root = Path.of(System.getProperty("vleval.repoRoot")).resolve("fixtures").normalize();
      assertThat(Fixtures.root()).isEqualTo(root);
      assertThat(root.resolve("internvl")).isDirectory();
      assertThat(root.resolve("metrics")).isDirectory();
      assertThat(root.resolve("preprocess")).isDirectory();
    }
  }
}
