package io.vleval.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class CommonOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Log more and show stack traces of errors.")
  boolean verbose;
}
