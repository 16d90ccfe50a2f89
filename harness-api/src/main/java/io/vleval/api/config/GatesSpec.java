package io.vleval.api.config;

import io.vleval.api.spec.Doc;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code gates:} section of a run config: regression gates a finished run must pass, and the
 * baseline run that drops are measured against. A run whose gates fail still writes its results;
 * the command then exits with status 1.
 *
 * @param baseline a baseline {@code results.json} or run directory, or {@code null} (then rules
 *     with {@code max_drop} need {@code vleval gate --baseline})
 * @param rules the rules, each checked on every (model, task) pair it matches
 */
public record GatesSpec(
    @Doc("baseline results.json or run directory that drops are measured against (optional)")
        Path baseline,
    @Doc("gate rules: task, model, metric, min, max, max_drop, max_drop_relative, significance")
        List<GateRuleSpec> rules) {

  /** No gates. */
  public static final GatesSpec NONE = new GatesSpec(null, List.of());

  public GatesSpec {
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }
}
