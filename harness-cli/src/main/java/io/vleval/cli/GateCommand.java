package io.vleval.cli;

import io.vleval.api.config.GatesSpec;
import io.vleval.api.error.VlevalException;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.gate.GateEvaluator;
import io.vleval.core.gate.GateInput;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.reports.junit.GateJUnitXml;
import io.vleval.results.GateReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval gate}: checks a finished run against a baseline with the rules of a {@code gates:}
 * section.
 */
@Command(
    name = "gate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a finished run against a baseline run with regression gates; exit 1 when one fails.",
      "The rules come from --gates FILE (any YAML file with a gates: section), by default the",
      "current run's own config.yaml. Writes a JUnit XML report (--junit) so CI shows each gate."
    })
final class GateCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Option(
      names = "--baseline",
      required = true,
      paramLabel = "RUN_OR_FILE",
      description = "The baseline: a run directory or a results.json.")
  Path baseline;

  @Option(
      names = "--current",
      required = true,
      paramLabel = "RUN_DIR",
      description = "The run to check: a run directory or a results.json.")
  Path current;

  @Option(
      names = "--gates",
      paramLabel = "FILE",
      description = "A YAML file with a gates: section (default: the current run's config.yaml).")
  Path gates;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description =
          "Where to write the JUnit XML report (default: gates.xml in the current run directory).")
  Path junit;

  @Override
  public Integer call() {
    Path runDir = Files.isDirectory(current) ? current : current.toAbsolutePath().getParent();
    Path rulesFile = gates != null ? gates : runDir.resolve("config.yaml");
    if (!Files.isRegularFile(rulesFile)) {
      throw new VlevalException(
          rulesFile + ": not found; pass --gates FILE naming a YAML file with a gates: section");
    }
    PluginRegistry registry =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    GatesSpec spec = new ConfigLoader(registry).loadGates(rulesFile);
    if (spec.isEmpty()) {
      throw new VlevalException(
          rulesFile
              + ": has no gates: section; add one (see README, 'Regression gates')"
              + " or pass --gates FILE");
    }
    GateInput base = GateInput.read(baseline);
    GateInput cur = GateInput.read(current);
    GateReport report = GateEvaluator.evaluate(spec, cur, base, baseline.toString());
    Path xml = junit != null ? junit : runDir.resolve("gates.xml");
    GateJUnitXml.write(report, xml);
    GatePrinter.print(report, parent.console.out());
    parent.console.err().println("JUnit report: " + xml);
    return report.passed() ? ExitCode.OK : ExitCode.GATE_FAILED;
  }
}
