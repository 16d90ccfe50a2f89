package io.vleval.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing Allure results into a folder that already holds some: vleval replaces its own files,
 * writes beside anyone else's and never overwrites or deletes a file it did not write.
 */
class AllureResultsFolderTest {

  @TempDir Path temp;
  private FinishedRun run;
  private Path out;

  @BeforeEach
  void run() throws Exception {
    run =
        FinishedRun.read(
            TestRuns.write(temp.resolve("run"), TestRuns.result("run-1", 0), TestRuns.gates()));
    out = temp.resolve("allure-results");
  }

  /** Every file under {@code dir} (relative name to content). */
  private static Map<String, String> files(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readString(p));
      }
    }
    return out;
  }

  @Test
  void writingTwiceRewritesTheSameFiles() throws Exception {
    AllureResults.write(run, out, true);
    Map<String, String> first = files(out);
    AllureResults.write(run, out, true);
    assertThat(files(out)).isEqualTo(first);
    assertThat(first).containsKey(ResultsFolder.MANIFEST).containsKey("environment.properties");
    assertThat(first.get(ResultsFolder.MANIFEST).lines().toList())
        .containsExactlyElementsOf(
            first.keySet().stream()
                .filter(k -> !k.equals(ResultsFolder.MANIFEST))
                .map(k -> k + "\trun-1")
                .toList());
  }

  @Test
  void otherProducersFilesStayAndVlevalsStaleFilesGo() throws Exception {
    AllureResults.write(run, out, true);
    List<String> attachments =
        files(out).keySet().stream().filter(k -> k.endsWith("-attachment.jsonl")).toList();
    assertThat(attachments).isNotEmpty();
    Files.writeString(out.resolve("0000-pytest-result.json"), "{\"name\": \"theirs\"}");
    Files.createDirectories(out.resolve("history"));
    Files.writeString(out.resolve("history/history.json"), "{}");

    AllureResults.write(run, out, false);

    Map<String, String> after = files(out);
    assertThat(after)
        .containsEntry("0000-pytest-result.json", "{\"name\": \"theirs\"}")
        .containsEntry("history/history.json", "{}")
        .doesNotContainKeys(attachments.toArray(String[]::new));
    assertThat(after.get(ResultsFolder.MANIFEST))
        .doesNotContain("pytest")
        .doesNotContain("history")
        .doesNotContain("-attachment.jsonl");
    try (Stream<Path> top = Files.list(out)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".vleval-staging-"));
    }
  }

  @Test
  void twoRunsShareAFolderWithoutRemovingEachOthersResults() throws Exception {
    FinishedRun other =
        FinishedRun.read(TestRuns.write(temp.resolve("other"), TestRuns.result("run-2", 40), null));
    AllureResults.write(run, out, true);
    Map<String, String> first = files(out);
    AllureResults.write(other, out, true);
    AllureResults.write(other, out, false);
    Map<String, String> both = files(out);
    for (String name : first.keySet()) {
      if (name.endsWith("-result.json") || name.endsWith("-attachment.jsonl")) {
        assertThat(both).as(name).containsEntry(name, first.get(name));
      }
    }
    assertThat(both.keySet().stream().filter(k -> k.endsWith("-result.json")).count())
        .isEqualTo(2 * first.keySet().stream().filter(k -> k.endsWith("-result.json")).count());
  }

  @Test
  void refusesToOverwriteAFileItDidNotWriteAndLeavesTheFolderAsItWas() throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("environment.properties"), "ci.job=nightly\n");
    Files.writeString(out.resolve("categories.json"), "[]");
    Map<String, String> before = files(out);

    assertThatThrownBy(() -> AllureResults.write(run, out, true))
        .isInstanceOf(VlevalException.class)
        .hasMessageStartingWith(out + ": holds 2 files that vleval did not write")
        .hasMessageContaining("(categories.json, environment.properties)")
        .hasMessageContaining("move them away or write the Allure results to another folder")
        .hasMessageNotContaining("\n");
    assertThat(files(out)).isEqualTo(before);
    try (Stream<Path> top = Files.list(out)) {
      assertThat(top.count()).isEqualTo(2);
    }
  }

  @Test
  void aFolderWithTheSameFilesButNoRecordOfThemIsRewritten() throws Exception {
    AllureResults.write(run, out, true);
    Map<String, String> first = files(out);
    // results written before vleval kept its record: identical bytes lose nothing when replaced
    Files.delete(out.resolve(ResultsFolder.MANIFEST));
    AllureResults.write(run, out, true);
    assertThat(files(out)).isEqualTo(first);
  }

  @Test
  void aManifestCannotNameAFileOutsideTheFolder() throws Exception {
    Path outside = Files.writeString(temp.resolve("precious.txt"), "keep me");
    AllureResults.write(run, out, true);
    Files.writeString(
        out.resolve(ResultsFolder.MANIFEST),
        "../precious.txt\n" + Files.readString(out.resolve(ResultsFolder.MANIFEST)));
    AllureResults.write(run, out, true);
    assertThat(outside).hasContent("keep me");
  }
}
