package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.datasets.synth.Scale;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Help, version, list and usage errors. */
class CommandLineTest {

  @Test
  void helpDocumentsEveryCommand() {
    Cli.Result r = Cli.run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains(
            "run ", "validate ", "list ", "Exit codes: 0 ok, 1 a gate failed, 2 a user error");
    for (String command : new String[] {"run", "validate", "list"}) {
      Cli.Result sub = Cli.run(command, "--help");
      assertThat(sub.exitCode()).isZero();
      assertThat(sub.out()).startsWith("Usage: vleval " + command);
    }
    assertThat(Cli.run("run", "--help").out()).contains("--resume", "--out", "--verbose");
  }

  /**
   * Every command's {@code --help}, found by walking the command tree (so a command added later is
   * covered), prints its usage and nothing else: picocli reports a description it cannot format (an
   * unescaped {@code %}) as a warning on {@link System#err}, which is captured here.
   */
  @Test
  void everyCommandsHelpPrintsWithoutPicocliWarnings() {
    List<List<String>> commands = new ArrayList<>();
    collect(
        new CommandLine(
            new VlevalCommand(
                new Console(
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter()),
                    false))),
        new ArrayList<>(),
        commands);
    assertThat(commands)
        .contains(List.of(), List.of("score", "captioning"), List.of("report", "allure"))
        .hasSizeGreaterThan(15);
    PrintStream original = System.err;
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      for (List<String> command : commands) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        String name = String.join(" ", command);
        assertThat(r.exitCode()).as(name).isZero();
        assertThat(r.out()).as(name).startsWith(("Usage: vleval " + name).strip());
        assertThat(r.err()).as(name).isEmpty();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).as(name).isEmpty();
      }
    } finally {
      System.setErr(original);
    }
    assertThat(Cli.run("score", "captioning", "--help").out())
        .contains("Bootstrap resamples for the 95% confidence intervals");
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    for (var e : cli.getSubcommands().entrySet()) {
      if (e.getKey().equals(e.getValue().getCommandName())) {
        List<String> sub = new ArrayList<>(path);
        sub.add(e.getKey());
        collect(e.getValue(), sub, out);
      }
    }
  }

  @Test
  void versionNamesTheHarnessVersion() {
    Cli.Result r = Cli.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("vleval 0.").contains("Java 17");
  }

  @Test
  void listShowsEveryDiscoveredPluginWithCapabilities() {
    Cli.Result r = Cli.run("list");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("models (")
        .contains("random")
        .contains("pixel-baseline")
        .contains(
            "capabilities: BlockFeatureExtractor, DenseFeatureExtractor, ImageEmbedder, TextEmbedder,"
                + " VideoEmbedder")
        .contains("test-colours")
        .contains("test-accuracy")
        .contains("reads LabelledImage samples");
    assertThat(Cli.run("list", "--keys").out())
        .contains("embedding_size: length of the random embeddings");
  }

  @Test
  void usageErrorsExitTwo() {
    Cli.Result r = Cli.run("run", "--frobnicate", "x.yaml");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("Unknown option: '--frobnicate'");
    assertThat(Cli.run("nonsense").exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(Cli.run("run").exitCode()).isEqualTo(ExitCode.USER_ERROR);
  }

  @Test
  void synthWritesTheSuiteAndRefusesUnknownScales(@TempDir Path temp) {
    Cli.Result r =
        Cli.run(
            "synth", "--out", temp.resolve("suite").toString(), "--scale", "tiny", "--seed", "3");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("wrote the tiny synthetic suite (seed 3) to " + temp.resolve("suite"));
    long images = Scale.TINY.size().images();
    assertThat(r.err()).contains("synth: " + images + "/" + images + " images (100%), ");
    assertThat(temp.resolve("suite/suite.json"))
        .content()
        .contains("\"seed\" : 3")
        .contains("\"scale\" : \"tiny\"");
    Cli.Result bad = Cli.run("synth", "--out", temp.resolve("other").toString(), "--scale", "huge");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(bad.err().strip())
        .isEqualTo("error: --scale must be tiny, small, medium or large, got 'huge'");
    Cli.Result again =
        Cli.run("synth", "--out", temp.resolve("suite").toString(), "--scale", "tiny");
    assertThat(again.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void resumeWithoutOutIsAUsageError() {
    Cli.Result r = Cli.run("run", "x.yaml", "--resume");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(r.err()).contains("--resume needs --out");
  }
}
