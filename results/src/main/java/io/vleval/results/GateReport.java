package io.vleval.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every gate outcome of a run, as written to {@code gates.json}.
 *
 * @param passed whether every gate passed
 * @param baseline the baseline the drops were measured against, or {@code null}
 */
public record GateReport(
    boolean passed,
    @JsonInclude(JsonInclude.Include.NON_NULL) String baseline,
    List<GateResult> results) {

  public GateReport {
    results = List.copyOf(results);
  }

  public static GateReport of(String baseline, List<GateResult> results) {
    return new GateReport(results.stream().allMatch(GateResult::passed), baseline, results);
  }

  public List<GateResult> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }
}
