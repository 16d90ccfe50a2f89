package io.vleval.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Allure's own generator, unpacked by the build (see the pom), renders the results into index.html.
 */
class AllureReportTest {

  @TempDir Path temp;

  static Path home() {
    String prop = System.getProperty("vleval.allure.home");
    assertThat(prop)
        .as("vleval.allure.home is set by the pom's surefire configuration")
        .isNotNull();
    return AllureReport.locate(List.of(Path.of(prop)))
        .orElseThrow(
            () ->
                new AssertionError(
                    "Allure's command line is not unpacked at "
                        + prop
                        + " (mvn generate-test-resources unpacks it)"));
  }

  @Test
  void rendersTheHtmlReportOfARun() throws Exception {
    Path run = TestRuns.write(temp.resolve("run"), TestRuns.result("run-1", 0), TestRuns.gates());
    AllureResults.write(FinishedRun.read(run), run.resolve("allure-results"), true);
    Path index =
        new AllureReport(home())
            .generate(run.resolve("allure-results"), temp.resolve("report"), false);
    assertThat(index).isRegularFile();
    assertThat(Files.readString(index)).contains("<html");
    assertThat(temp.resolve("report/data/test-cases")).isDirectory();
    // the report's data keeps the hostile category text as data (the UI renders it as text)
    assertThat(temp.resolve("report/widgets/summary.json"))
        .content()
        .contains("\"failed\":1")
        .contains("\"total\":6");
  }

  @Test
  void locatesTheUnpackedFolderOrNothing() {
    Path h = home();
    assertThat(AllureReport.locate(List.of(temp, h.getParent()))).contains(h);
    assertThat(AllureReport.locate(List.of(temp.resolve("missing")))).isEmpty();
  }

  @Test
  void aMissingResultsFolderIsAUserError() {
    assertThatThrownBy(
            () -> new AllureReport(home()).generate(temp.resolve("none"), temp.resolve("r"), false))
        .isInstanceOf(VlevalException.class)
        .hasMessageContaining("no Allure results folder");
  }

  @Test
  void regeneratingReplacesItsOwnReportAndRefusesAnyOtherFolder() throws Exception {
    Path run = TestRuns.write(temp.resolve("run"), TestRuns.result("run-1", 0), TestRuns.gates());
    Path results = run.resolve("allure-results");
    AllureResults.write(FinishedRun.read(run), results, true);
    AllureReport report = new AllureReport(home());
    Path out = temp.resolve("report");
    report.generate(results, out, false);
    assertThat(out.resolve(AllureReport.MARKER)).isRegularFile();
    // again into the same folder, then as a single file: the earlier report is replaced
    assertThat(report.generate(results, out, false)).isRegularFile();
    assertThat(report.generate(results, out, true)).isRegularFile();
    assertThat(out.resolve("data")).doesNotExist();

    // a folder of the user's is never deleted
    Path mine = Files.createDirectories(temp.resolve("mine"));
    Files.writeString(mine.resolve("notes.txt"), "keep me");
    assertThatThrownBy(() -> report.generate(results, mine, false))
        .isInstanceOf(VlevalException.class)
        .hasMessageStartingWith(mine.toAbsolutePath() + ": exists and is not an Allure report")
        .hasMessageContaining("(it holds notes.txt)");
    assertThat(mine.resolve("notes.txt")).hasContent("keep me");
    try (var left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
    // an empty folder is fine
    Path empty = Files.createDirectories(temp.resolve("empty"));
    assertThat(report.generate(results, empty, true)).isRegularFile();
  }
}
