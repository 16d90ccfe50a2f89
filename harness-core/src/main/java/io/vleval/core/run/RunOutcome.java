package io.vleval.core.run;

import io.vleval.api.result.GateReport;
import io.vleval.api.result.RunResult;

/**
 * A finished run and, when its config has a {@code gates:} section, the gates' outcome.
 *
 * @param gates {@code null} when the config has no gates
 */
public record RunOutcome(RunResult result, GateReport gates) {

  /** Whether the run passed its gates (a run without gates passes). */
  public boolean passed() {
    return gates == null || gates.passed();
  }
}
