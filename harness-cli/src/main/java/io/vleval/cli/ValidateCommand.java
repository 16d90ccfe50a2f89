package io.vleval.cli;

import io.vleval.api.config.RunConfig;
import io.vleval.api.error.VlevalException;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval validate CONFIG}: every check {@code run} makes before loading anything, and
 * nothing more.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Check configs without running them: keys, types, plugin types, references, task/model fit.")
final class ValidateCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "CONFIG", description = "One or more run YAML files.")
  List<Path> configs;

  @Override
  public Integer call() {
    PluginRegistry registry =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    ConfigLoader loader = new ConfigLoader(registry);
    int failed = 0;
    for (Path config : configs) {
      try {
        RunConfig rc = loader.load(config);
        int pairs = 0;
        for (var t : rc.tasks()) {
          pairs += t.models().isEmpty() ? rc.models().size() : t.models().size();
        }
        parent
            .console
            .out()
            .println(
                config
                    + ": ok ("
                    + rc.models().size()
                    + " models, "
                    + rc.datasets().size()
                    + " datasets, "
                    + rc.tasks().size()
                    + " tasks, "
                    + pairs
                    + " task runs)");
      } catch (VlevalException e) {
        if (configs.size() == 1) {
          throw e;
        }
        // with several files, report each failing one and go on, so one run shows every problem
        Main.printError(parent.console.err(), e.getMessage());
        failed++;
      }
    }
    parent.console.out().flush();
    return failed == 0 ? ExitCode.OK : ExitCode.USER_ERROR;
  }
}
