package io.vleval.training.spec;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.error.ConfigException;
import io.vleval.api.error.ConfigProblem;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.yaml.Problems;
import io.vleval.core.yaml.SpecBinder;
import io.vleval.core.yaml.YamlNode;
import io.vleval.core.yaml.YamlReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads a training YAML as strictly as run configs: safe YAML, unknown keys, wrong types, missing
 * required keys and invalid values all reported at once as {@code FILE:LINE:COLUMN: message}.
 */
public final class TrainConfigLoader {

  private TrainConfigLoader() {}

  /**
   * Loads and validates a training config.
   *
   * @param file the YAML file
   * @return the spec, with {@code train.name} and {@code train.out} filled in
   * @throws ConfigException listing every problem
   */
  public static TrainSpec load(Path file) {
    String display = file.toString();
    YamlNode root = new YamlReader().read(file, display);
    if (!(root instanceof YamlNode.Mapping mapping)) {
      throw new ConfigException(
          List.of(
              new ConfigProblem(
                  display,
                  1,
                  1,
                  "a training config is a mapping with keys train, datasets, data, stages; found "
                      + root.describe())));
    }
    Path base = file.toAbsolutePath().getParent();
    Problems problems = new Problems();
    // datasets: bound as a run config binds them (the registry's loaders, strict keys); the rest
    // by the record binder, which never sees that section
    List<DatasetEntry> datasets =
        List.copyOf(
            new ConfigLoader(PluginRegistry.discover(TrainConfigLoader.class.getClassLoader()))
                .datasets(mapping, base, false, problems)
                .keySet());
    LinkedHashMap<String, YamlNode> rest = new LinkedHashMap<>(mapping.entries());
    rest.remove("datasets");
    TrainSpec spec =
        new SpecBinder(base, System::getenv)
            .bind(
                TrainSpec.class,
                new YamlNode.Mapping(rest, mapping.keyMarks(), mapping.mark()),
                Set.of("datasets"),
                "the training config",
                problems);
    problems.throwIfAny();
    String name =
        spec.train().name() != null
            ? spec.train().name()
            : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    Path out =
        spec.train().out() != null ? spec.train().out() : base.resolve("train-runs").resolve(name);
    TrainSettings settings =
        new TrainSettings(
            name,
            spec.train().seed(),
            out,
            spec.train().threads(),
            spec.train().device(),
            spec.train().precision());
    return new TrainSpec(settings, spec.data(), spec.stages(), datasets);
  }
}
