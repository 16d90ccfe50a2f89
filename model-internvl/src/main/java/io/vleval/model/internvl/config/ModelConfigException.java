package io.vleval.model.internvl.config;

import io.vleval.api.error.VlevalException;
import java.util.List;

/**
 * A language-model, head or chat configuration that cannot be used: the message lists every problem
 * found, each naming the field, the value found and what was expected.
 */
public class ModelConfigException extends VlevalException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  /**
   * Creates an exception from the collected problems.
   *
   * @param source where the configuration came from (a file and section, or a preset name)
   * @param problems one line per problem
   */
  public ModelConfigException(String source, List<String> problems) {
    super(source + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Returns the individual problems.
   *
   * @return one line per problem
   */
  public List<String> problems() {
    return problems;
  }
}
