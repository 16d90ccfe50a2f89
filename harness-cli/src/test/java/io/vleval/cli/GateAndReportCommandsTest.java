package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gates in a run config, {@code vleval gate}, {@code vleval leaderboard} and {@code vleval report
 * allure}, end to end.
 */
class GateAndReportCommandsTest {

  @TempDir Path temp;

  private Path config(String name, int count, String gates, String reporters) throws IOException {
    Path file = temp.resolve(name + ".yaml");
    Files.writeString(
        file,
        """
        run:
          name: %s
          seed: 42
          batch_size: 4
        models:
          - name: rnd
            type: random
          - name: pixels
            type: pixel-baseline
        datasets:
          - name: colours
            type: test-colours
            count: %d
            root: .
        tasks:
          - name: acc
            type: test-accuracy
            dataset: colours
        reporters: %s
        %s
        """
            .formatted(name, count, reporters, gates));
    return file;
  }

  private Path run(String name, int count, String gates, String reporters, int expectedExit)
      throws IOException {
    Path out = temp.resolve("runs/" + name);
    Cli.Result r =
        Cli.run("run", config(name, count, gates, reporters).toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(expectedExit);
    return out;
  }

  @Test
  void aRunWithPassingGatesExitsZeroAndWritesGateReports() throws Exception {
    Path out =
        run(
            "ok",
            8,
            """
        gates:
          rules:
            - task: acc
              min: 0
            - metric: accuracy
              model: pixels
              max: 100
        """,
            "[]",
            ExitCode.OK);
    JsonNode gates = new ObjectMapper().readTree(out.resolve("gates.json").toFile());
    assertThat(gates.path("passed").asBoolean()).isTrue();
    assertThat(gates.path("results")).hasSize(3);
    assertThat(out.resolve("gates.xml"))
        .content()
        .contains("<testsuite name=\"vleval gates\" tests=\"3\" failures=\"0\"");
  }

  @Test
  void aFailingGateExitsOneAfterWritingTheResults() throws Exception {
    Path out = temp.resolve("runs/bad");
    Cli.Result r =
        Cli.run(
            "run",
            config(
                    "bad",
                    8,
                    """
        gates:
          rules:
            - task: acc
              model: rnd
              min: 101
        """,
                    "[]")
                .toString(),
            "--out",
            out.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.GATE_FAILED);
    assertThat(r.out())
        .contains("FAIL rnd/acc/accuracy: 'accuracy' of task 'acc' on model 'rnd' is")
        .contains("below the floor min 101")
        .contains("1 of 1 gates FAILED");
    assertThat(out.resolve("results.json")).exists();
    assertThat(out.resolve("gates.xml")).content().contains("<failure type=\"RegressionGate\"");
  }

  @Test
  void gateRulesAreValidatedWithTheConfig() throws Exception {
    Cli.Result r =
        Cli.run(
            "validate",
            config(
                    "v",
                    8,
                    """
        gates:
          rules:
            - task: acc
              min: 0
            - task: acd
              max_drop: 1
        """,
                    "[]")
                .toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err())
        .contains(":24:7: gate rule names task 'acd', which is not defined; did you mean 'acc'?");
  }

  @Test
  void aDropRuleNeedsABaselineInTheConfig() throws Exception {
    Cli.Result r =
        Cli.run(
            "validate",
            config(
                    "nb",
                    8,
                    """
        gates:
          rules:
            - task: acc
              max_drop: 1
        """,
                    "[]")
                .toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err())
        .contains(":22:7: a gate rule with max_drop or max_drop_relative needs a baseline");
  }

  @Test
  void gateComparesTwoRunsAndFailsOnAChangedDatasetFingerprint() throws Exception {
    String gates =
        """
        gates:
          rules:
            - task: acc
              max_drop: 0.5
              significance: true
        """;
    Path base = run("base", 8, "", "[]", ExitCode.OK);
    Path same = run("same", 8, "", "[]", ExitCode.OK);
    Path rules = temp.resolve("gates.yaml");
    Files.writeString(rules, gates);
    Cli.Result ok =
        Cli.run(
            "gate",
            "--baseline",
            base.toString(),
            "--current",
            same.toString(),
            "--gates",
            rules.toString());
    assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .contains("PASS rnd/acc/accuracy: no drop against the baseline")
        .contains("all 2 gates passed");
    assertThat(same.resolve("gates.xml")).exists();

    Path other = run("other", 12, "", "[]", ExitCode.OK);
    Path xml = temp.resolve("ci/gates.xml");
    Cli.Result changed =
        Cli.run(
            "gate",
            "--baseline",
            base.resolve("results.json").toString(),
            "--current",
            other.toString(),
            "--gates",
            rules.toString(),
            "--junit",
            xml.toString());
    assertThat(changed.exitCode()).isEqualTo(ExitCode.GATE_FAILED);
    assertThat(changed.out())
        .contains("dataset 'colours' differs from the baseline's: fingerprint");
    assertThat(xml).content().contains("failures=\"2\"");
  }

  @Test
  void aNullBaselineValueFailsTheGateInsteadOfReadingAsZero() throws Exception {
    Path base = run("nb-base", 8, "", "[]", ExitCode.OK);
    Path json = base.resolve("results.json");
    String text = Files.readString(json);
    String nulled = text.replaceAll("\"value\" : [-0-9.E]+", "\"value\" : null");
    assertThat(nulled).isNotEqualTo(text);
    Files.writeString(json, nulled);
    Path rules = temp.resolve("nb-gates.yaml");
    Files.writeString(rules, "gates:\n  rules:\n    - task: acc\n      max_drop: 0.5\n");
    Path cur = run("nb-cur", 8, "", "[]", ExitCode.OK);
    Cli.Result r =
        Cli.run(
            "gate",
            "--baseline",
            base.toString(),
            "--current",
            cur.toString(),
            "--gates",
            rules.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.GATE_FAILED);
    assertThat(r.out())
        .contains(
            "FAIL rnd/acc/accuracy: metric 'accuracy' of task 'acc' on model 'rnd' is null in the"
                + " baseline")
        .contains("2 of 2 gates FAILED");

    // the same baseline named in a run config's gates: section
    Path inRun =
        run(
            "nb-run",
            8,
            """
        gates:
          baseline: runs/nb-base
          rules:
            - task: acc
              max_drop: 0.5
        """,
            "[]",
            ExitCode.GATE_FAILED);
    assertThat(inRun.resolve("gates.json")).content().contains("is null in the baseline");

    // a name the gate matches on left null is refused as a whole, naming the place
    Files.writeString(json, text.replaceFirst("\"model\" : \"[^\"]+\"", "\"model\" : null"));
    Cli.Result broken =
        Cli.run(
            "gate",
            "--baseline",
            base.toString(),
            "--current",
            cur.toString(),
            "--gates",
            rules.toString());
    assertThat(broken.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(broken.err().strip())
        .startsWith("error: " + json + ": tasks[0].model is null; expected a name");
  }

  @Test
  void gateReadsTheRulesFromTheCurrentRunsConfigByDefault() throws Exception {
    Path base = run("b2", 8, "", "[]", ExitCode.OK);
    Path cur =
        run(
            "c2",
            8,
            """
        gates:
          baseline: runs/b2
          rules:
            - max_drop_relative: 0.0
        """,
            "[]",
            ExitCode.OK);
    assertThat(cur.resolve("gates.json"))
        .content()
        .contains("\"passed\" : true")
        .contains("runs/b2");
    Cli.Result r = Cli.run("gate", "--baseline", base.toString(), "--current", cur.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Cli.Result none = Cli.run("gate", "--baseline", base.toString(), "--current", base.toString());
    assertThat(none.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(none.err()).contains("has no gates: section");
  }

  @Test
  void leaderboardMergesRunsIntoOnePage() throws Exception {
    Path a =
        run(
            "la",
            8,
            "",
            "[{type: html}, {type: allure}, {type: json, file: copy.json}, {type: csv, delimiter: tab, file: r.tsv}]",
            ExitCode.OK);
    Path b = run("lb", 12, "", "[]", ExitCode.OK);
    assertThat(a.resolve("leaderboard.html")).exists();
    assertThat(a.resolve("allure-results")).isDirectoryContaining("glob:**-result.json");
    assertThat(a.resolve("copy.json")).hasSameTextualContentAs(a.resolve("results.json"));
    assertThat(a.resolve("r.tsv")).content().startsWith("run_id\tmodel");
    Path page = temp.resolve("board/leaderboard.html");
    Cli.Result r =
        Cli.run(
            "leaderboard",
            a.toString(),
            b.toString(),
            "--baseline",
            a.toString(),
            "-o",
            page.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("wrote " + page + " (2 runs, against baseline");
    assertThat(page)
        .content()
        .contains("2 runs, 4 models, 1 task")
        .contains("la \u00b7 la")
        .contains("lb \u00b7 lb");
  }

  @Test
  void reportAllureRendersTheHtmlReportOfARun() throws Exception {
    Path run =
        run(
            "al",
            8,
            """
        gates:
          rules:
            - model: rnd
              min: 101
        """,
            "[]",
            ExitCode.GATE_FAILED);
    Path report = temp.resolve("allure-report");
    Cli.Result r = Cli.run("report", "allure", run.toString(), "-o", report.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(report.resolve("index.html")).exists();
    assertThat(run.resolve("allure-results")).isDirectoryContaining("glob:**-result.json");
    assertThat(report.resolve("widgets/summary.json"))
        .content()
        .contains("\"failed\":1")
        .contains("\"passed\":1");
  }

  @Test
  void reportAllureRewritesTheResultsOfARunMadeWithTheAllureReporter() throws Exception {
    Path run = run("twice", 8, "", "[{type: allure}]", ExitCode.OK);
    Path results = run.resolve("allure-results");
    Files.writeString(results.resolve("0000-other-tool-result.json"), "{\"name\": \"theirs\"}");
    for (int i = 0; i < 2; i++) {
      Cli.Result r = Cli.run("report", "allure", run.toString(), "--single-file");
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(run.resolve("allure-report/index.html")).isRegularFile();
    }
    assertThat(results.resolve("0000-other-tool-result.json")).hasContent("{\"name\": \"theirs\"}");
    assertThat(results).isDirectoryContaining("glob:**-result.json");

    // a file vleval did not write under a name it needs is neither overwritten nor deleted
    Files.writeString(results.resolve(".vleval-files"), "");
    Files.writeString(results.resolve("environment.properties"), "ci.job=nightly\n");
    Cli.Result refused = Cli.run("report", "allure", run.toString());
    assertThat(refused.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(refused.err().lines().toList())
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("error: " + results + ": holds ")
        .contains("that vleval did not write and would overwrite")
        .contains("environment.properties");
    assertThat(results.resolve("environment.properties")).hasContent("ci.job=nightly");

    // nor is a report folder that is not an Allure report
    Path notes = Files.createDirectories(temp.resolve("notes"));
    Files.writeString(notes.resolve("todo.txt"), "keep");
    Files.delete(results.resolve("environment.properties"));
    Cli.Result mine = Cli.run("report", "allure", run.toString(), "-o", notes.toString());
    assertThat(mine.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(mine.err()).contains("exists and is not an Allure report (it holds todo.txt)");
    assertThat(notes.resolve("todo.txt")).hasContent("keep");
  }

  @Test
  void theCommittedQuickstartBaselinePassesItsGatesAndRendersAnAllureReport() throws Exception {
    Path baseline = Path.of(System.getProperty("vleval.repoRoot"), "examples", "baselines");
    Path copy = Files.createDirectories(temp.resolve("quickstart"));
    Files.copy(baseline.resolve("quickstart/results.json"), copy.resolve("results.json"));
    Cli.Result gate =
        Cli.run(
            "gate",
            "--baseline",
            baseline.resolve("quickstart").toString(),
            "--current",
            copy.toString(),
            "--gates",
            baseline.resolve("quickstart-gates.yaml").toString());
    assertThat(gate.exitCode()).as(gate.out() + gate.err()).isZero();
    assertThat(gate.out())
        .contains("PASS nearest-caption/captioning/CIDEr")
        .contains("gates passed");
    Cli.Result report = Cli.run("report", "allure", copy.toString(), "--single-file");
    assertThat(report.exitCode()).as(report.out() + report.err()).isZero();
    assertThat(copy.resolve("allure-report/index.html")).isRegularFile();
    assertThat(copy.resolve("allure-results")).isDirectoryContaining("glob:**-result.json");
  }
}
