package io.vleval.core.yaml;

import io.vleval.api.error.ConfigException;
import io.vleval.api.error.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem found while binding and validating, to report them all at once. */
public final class Problems {
  private final List<ConfigProblem> problems = new ArrayList<>();

  public void add(YamlNode.Mark mark, String message) {
    problems.add(new ConfigProblem(mark.file(), mark.line(), mark.column(), message));
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public int size() {
    return problems.size();
  }

  /** Fails with every problem collected so far, if there is any. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
