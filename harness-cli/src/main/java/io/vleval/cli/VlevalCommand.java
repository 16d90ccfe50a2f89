package io.vleval.cli;

import io.vleval.core.provenance.HarnessVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command; its subcommands do the work. */
@Command(
    name = "vleval",
    mixinStandardHelpOptions = true,
    versionProvider = VlevalCommand.Version.class,
    description = "Evaluate, benchmark and train vision-language models from a YAML file.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 a gate failed, 2 a user error (config, input, usage), 3 an internal error."
    },
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      ListCommand.class,
      ScoreCommand.class,
      SynthCommand.class,
      LeaderboardCommand.class,
      GateCommand.class,
      ReportCommand.class,
      TrainCommand.class,
      ServeCommand.class
    })
final class VlevalCommand implements Runnable {

  final Console console;

  @Spec CommandSpec spec;

  VlevalCommand(Console console) {
    this.console = console;
  }

  @Override
  public void run() {
    spec.commandLine().usage(console.out());
  }

  /** Prints the harness version and the runtime it runs on. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "vleval " + HarnessVersion.get(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
