package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of broken configs under {@code src/test/resources/bad-configs}: each file's first line
 * says {@code # expect: TEXT}, and validating it must exit 2 with exactly one line, {@code error:
 * FILE:LINE:COLUMN: ...TEXT...}, and no stack trace. A file added there is tested with no code
 * change.
 */
class MalformedConfigTest {

  @TempDir Path temp;

  static List<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(MalformedConfigTest.class.getResource("/bad-configs").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theCorpusIsLargeEnough() throws Exception {
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(15);
  }

  @TestFactory
  Stream<DynamicTest> eachBadConfigFailsWithOneLocatedLine() throws Exception {
    return corpus().stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      List<String> lines = Files.readAllLines(file);
                      assertThat(lines.get(0)).startsWith("# expect: ");
                      String expected = lines.get(0).substring("# expect: ".length());
                      Path copy = temp.resolve(file.getFileName());
                      Files.copy(file, copy);
                      for (String command : List.of("validate", "run")) {
                        Cli.Result r = Cli.run(command, copy.toString());
                        assertThat(r.exitCode())
                            .as("%s exit code; stderr: %s", command, r.err())
                            .isEqualTo(ExitCode.USER_ERROR);
                        List<String> errLines = r.err().lines().toList();
                        assertThat(errLines).as("%s stderr", command).hasSize(1);
                        String line = errLines.get(0);
                        assertThat(line).startsWith("error: " + copy + ":");
                        assertThat(line).matches("error: .*\\.yaml(:\\d+:\\d+)?: .*");
                        if (!expected.contains("file not found")) {
                          assertThat(line)
                              .as("located at line:column")
                              .matches("error: .*\\.yaml:\\d+:\\d+: .*");
                        }
                        assertThat(line).contains(expected);
                        assertThat(r.err()).doesNotContain("\tat ");
                      }
                      assertThat(temp.resolve("runs")).as("nothing ran").doesNotExist();
                    }));
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Cli.Result r = Cli.run("validate", temp.resolve("nope.yaml").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err().strip())
        .isEqualTo("error: " + temp.resolve("nope.yaml") + ": file not found");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    Path config = temp.resolve("two.yaml");
    Files.writeString(config, "run:\n  seed: x\nmodels:\n  - name: a\n    type: nope\ntasks: []\n");
    Cli.Result r = Cli.run("validate", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err())
        .contains(config + ":2:9: 'seed'")
        .contains(config + ":5:11: unknown model type 'nope'")
        .contains("'tasks' is empty");
  }

  @Test
  void verboseShowsTheStackTrace() throws Exception {
    Path copy = temp.resolve("bad.yaml");
    Files.copy(corpus().get(0), copy);
    Cli.Result r = Cli.run("validate", "--verbose", copy.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("\tat io.vleval.");
  }
}
