package io.vleval.core.run;

import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.results.GateReport;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished run and, when its config has a {@code gates:} section, the gates' outcome.
 *
 * @param runDirectory where the run was written
 * @param gates {@code null} when the config has no gates
 */
public record RunOutcome(RunResult result, Path runDirectory, GateReport gates) {

  /** Whether the run passed its gates (a run without gates passes). */
  public boolean passed() {
    return gates == null || gates.passed();
  }

  /**
   * The tasks that produced no score (no sample could be scored), in run order; a run with any is
   * not a success, whatever its gates say.
   */
  public List<TaskResult> unscored() {
    return result.tasks().stream().filter(t -> !t.scored()).toList();
  }
}
