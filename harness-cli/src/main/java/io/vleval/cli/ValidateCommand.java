package io.vleval.cli;

import io.vleval.api.config.RunConfig;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vleval validate CONFIG}: every check {@code run} makes before loading anything, and nothing more. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a config without running it: keys, types, plugin types, references, task/model fit.")
final class ValidateCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "The run's YAML file.")
  Path config;

  @Override
  public Integer call() {
    PluginRegistry registry = PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    RunConfig rc = new ConfigLoader(registry).load(config);
    int pairs = 0;
    for (var t : rc.tasks()) {
      pairs += t.models().isEmpty() ? rc.models().size() : t.models().size();
    }
    parent.console.out().println(config + ": ok (" + rc.models().size() + " models, " + rc.datasets().size()
        + " datasets, " + rc.tasks().size() + " tasks, " + pairs + " task runs)");
    return ExitCode.OK;
  }
}
