package io.vleval.api.error;

import java.util.List;

/**
 * A configuration that cannot be run: every problem found, each with its place in the file.
 * Validation collects them all and fails once, so users fix a config in one round.
 */
public final class ConfigException extends VlevalException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ConfigException(ConfigProblem problem) {
    this(List.of(problem));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    StringBuilder out = new StringBuilder();
    for (ConfigProblem p : problems) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(p);
    }
    return out.toString();
  }
}
