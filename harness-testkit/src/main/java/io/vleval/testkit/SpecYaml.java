package io.vleval.testkit;

import io.vleval.api.error.ConfigException;
import io.vleval.core.yaml.Problems;
import io.vleval.core.yaml.SpecBinder;
import io.vleval.core.yaml.SpecWriter;
import io.vleval.core.yaml.YamlNode;
import io.vleval.core.yaml.YamlReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** Binds plugin specs from YAML and writes them back, as the harness does, for tests. */
public final class SpecYaml {
  private final Path base;
  private final Map<String, String> environment;

  /**
   * @param base relative paths in specs resolve against it
   * @param environment variables visible to {@code ${VAR}}
   */
  public SpecYaml(Path base, Map<String, String> environment) {
    this.base = base;
    this.environment = environment;
  }

  public SpecYaml(Path base) {
    this(base, Map.of());
  }

  /**
   * Binds YAML text (a mapping of the plugin's own keys) onto {@code type}, or throws a {@link
   * ConfigException}.
   */
  public <S extends Record> S bind(Class<S> type, String yaml) {
    YamlNode node = new YamlReader().parse(yaml, "spec.yaml");
    if (!(node instanceof YamlNode.Mapping mapping)) {
      throw new IllegalArgumentException("spec YAML must be a mapping");
    }
    Problems problems = new Problems();
    S spec =
        new SpecBinder(base, environment::get).bind(type, mapping, Set.of(), "the spec", problems);
    problems.throwIfAny();
    return spec;
  }

  /** The normalized YAML text of a spec. */
  public String write(Record spec) {
    return SpecWriter.yaml(new SpecWriter(base).toMap(spec));
  }
}
