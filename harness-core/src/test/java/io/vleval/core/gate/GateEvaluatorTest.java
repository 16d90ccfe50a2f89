package io.vleval.core.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.config.GateRuleSpec;
import io.vleval.api.config.GatesSpec;
import io.vleval.api.error.VlevalException;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.Provenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import io.vleval.results.ResultCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GateEvaluatorTest {

  private static MetricValue acc(double v, ConfidenceInterval ci) {
    return new MetricValue("top1", v, Direction.HIGHER_IS_BETTER, "%", ci);
  }

  private static RunResult run(String fingerprint, MetricValue... metrics) {
    TaskResult t =
        new TaskResult(
            "zs",
            "zero-shot-classification",
            "1",
            "m",
            "val",
            "top1",
            List.of(metrics),
            List.of(),
            100,
            0,
            1,
            1);
    Provenance p =
        new Provenance(
            "0",
            "java",
            "os",
            0,
            List.of(new ModelProvenance("m", "random", "c", "java", "cpu")),
            List.of(
                new DatasetProvenance("val", "imagefolder", fingerprint, 100, "/d", List.of())));
    return new RunResult(RunResult.SCHEMA_VERSION, "r", "r", "t0", "t1", "", "0", p, List.of(t));
  }

  private static GatesSpec rule(
      Double min, Double maxDrop, Double maxDropRelative, boolean significance) {
    return new GatesSpec(
        null,
        List.of(
            new GateRuleSpec("zs", null, null, min, null, maxDrop, maxDropRelative, significance)));
  }

  private static GateResult only(GateReport report) {
    assertThat(report.results()).hasSize(1);
    return report.results().get(0);
  }

  private static final RunResult BASELINE =
      run("abc", acc(80.0, new ConfidenceInterval(77, 83, 0.95, 1000)));

  @Test
  void aDropInsideTolerancePasses() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(null, 1.0, null, false), run("abc", acc(79.2, null)), BASELINE, "base");
    assertThat(r.passed()).isTrue();
    assertThat(only(r).message()).contains("drop 0.8").contains("within tolerance");
    assertThat(only(r).gate()).isEqualTo("m/zs/top1");
    assertThat(only(r).baseline()).isEqualTo(80.0);
  }

  @Test
  void aDropExactlyAtTheToleranceStillPasses() {
    assertThat(
            GateEvaluator.evaluate(
                    rule(null, 0.3, null, false), run("abc", acc(79.7, null)), BASELINE, "b")
                .passed())
        .isTrue();
  }

  @Test
  void aDropOutsideToleranceFails() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(null, 1.0, null, false), run("abc", acc(78.5, null)), BASELINE, "base");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .contains("'top1' of task 'zs' on model 'm' is 78.5")
        .contains("drop 1.5")
        .contains("exceeds max_drop 1");
  }

  @Test
  void aRelativeDropOutsideToleranceFails() {
    // 80 -> 75 is a 6.25% drop
    assertThat(
            GateEvaluator.evaluate(
                    rule(null, null, 0.05, false), run("abc", acc(75, null)), BASELINE, "b")
                .passed())
        .isFalse();
    assertThat(
            GateEvaluator.evaluate(
                    rule(null, null, 0.07, false), run("abc", acc(75, null)), BASELINE, "b")
                .passed())
        .isTrue();
  }

  @Test
  void anImprovementPasses() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(50.0, 0.0, 0.0, true), run("abc", acc(85, null)), BASELINE, "b");
    assertThat(r.passed()).isTrue();
    assertThat(only(r).message()).contains("improved by 5");
  }

  @Test
  void forALowerIsBetterMetricAnIncreaseIsTheDrop() {
    MetricValue base = new MetricValue("loss", 1.0, Direction.LOWER_IS_BETTER, "", null);
    GatesSpec g =
        new GatesSpec(
            null, List.of(new GateRuleSpec(null, null, "loss", null, null, 0.1, null, false)));
    assertThat(
            GateEvaluator.evaluate(
                    g,
                    run("abc", new MetricValue("loss", 0.5, Direction.LOWER_IS_BETTER, "", null)),
                    run("abc", base),
                    "b")
                .passed())
        .isTrue();
    assertThat(
            GateEvaluator.evaluate(
                    g,
                    run("abc", new MetricValue("loss", 1.2, Direction.LOWER_IS_BETTER, "", null)),
                    run("abc", base),
                    "b")
                .passed())
        .isFalse();
  }

  @Test
  void anAbsoluteFloorFailsBelowIt() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(79.0, null, null, false), run("x", acc(78.9, null)), null, null);
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message()).contains("78.9, below the floor min 79");
    assertThat(
            GateEvaluator.evaluate(
                    rule(79.0, null, null, false), run("x", acc(79.0, null)), null, null)
                .passed())
        .isTrue();
  }

  @Test
  void aMissingMetricFailsNamingIt() {
    GatesSpec g =
        new GatesSpec(
            null, List.of(new GateRuleSpec("zs", null, "top5", 1.0, null, null, null, false)));
    GateReport r = GateEvaluator.evaluate(g, run("abc", acc(80, null)), null, null);
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .contains("'top5'")
        .contains("missing from the current run")
        .contains("top1");
  }

  @Test
  void aMetricMissingFromTheBaselineFails() {
    RunResult base = run("abc", new MetricValue("other", 1, Direction.HIGHER_IS_BETTER, "", null));
    GateReport r =
        GateEvaluator.evaluate(rule(null, 1.0, null, false), run("abc", acc(80, null)), base, "b");
    assertThat(only(r).message()).contains("missing from the baseline");
  }

  @Test
  void aTaskMissingFromTheCurrentRunFails() {
    GatesSpec g =
        new GatesSpec(
            null,
            List.of(new GateRuleSpec("other-task", null, null, 0.0, null, null, null, false)));
    GateReport r = GateEvaluator.evaluate(g, run("abc", acc(80, null)), null, null);
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .contains("matches nothing")
        .contains("'other-task'")
        .contains("m/zs");
  }

  @Test
  void aNanFails() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(0.0, null, null, false), run("abc", acc(Double.NaN, null)), null, null);
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message()).contains("NaN in the current run");
    RunResult nanBase = run("abc", acc(Double.NaN, null));
    GateReport b =
        GateEvaluator.evaluate(
            rule(null, 1.0, null, false), run("abc", acc(80, null)), nanBase, "b");
    assertThat(only(b).message()).contains("NaN in the baseline");
  }

  @Test
  void aChangedDatasetFingerprintFails() {
    GateReport r =
        GateEvaluator.evaluate(
            rule(null, 5.0, null, false), run("def", acc(80, null)), BASELINE, "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .contains("dataset 'val' differs from the baseline's")
        .contains("abc")
        .contains("def");
  }

  @Test
  void significanceForgivesADropInsideTheInterval() {
    // current 79 with interval [76, 82] holds the baseline 80: the 1-point drop is noise
    RunResult cur = run("abc", acc(79, new ConfidenceInterval(76, 82, 0.95, 1000)));
    assertThat(GateEvaluator.evaluate(rule(null, 0.5, null, false), cur, BASELINE, "b").passed())
        .isFalse();
    GateReport r = GateEvaluator.evaluate(rule(null, 0.5, null, true), cur, BASELINE, "b");
    assertThat(r.passed()).isTrue();
    assertThat(only(r).message()).contains("not significant");
  }

  @Test
  void significanceStillFailsADropOutsideTheIntervalOrWithoutOne() {
    RunResult cur = run("abc", acc(70, new ConfidenceInterval(68, 72, 0.95, 1000)));
    GateReport r = GateEvaluator.evaluate(rule(null, 0.5, null, true), cur, BASELINE, "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message()).contains("outside the current 95% interval [68, 72]");
    GateReport noCi =
        GateEvaluator.evaluate(
            rule(null, 0.5, null, true), run("abc", acc(70, null)), BASELINE, "b");
    assertThat(only(noCi).message()).contains("no confidence interval");
  }

  @Test
  void aDropRuleWithoutABaselineFails() {
    GateReport r =
        GateEvaluator.evaluate(rule(null, 1.0, null, false), run("abc", acc(80, null)), null, null);
    assertThat(only(r).message()).contains("needs a baseline");
  }

  /** {@code run} as its results.json, with {@code from} replaced by {@code to}, read back. */
  private static GateInput file(RunResult run, String from, String to) {
    String json = ResultCodec.json(run, true);
    assertThat(json).contains(from);
    return GateInput.parse(json.replace(from, to), "results.json");
  }

  @Test
  void aNullBaselineValueFailsClosedInsteadOfReadingAsZero() {
    GateInput base = file(BASELINE, "\"value\" : 80.0", "\"value\" : null");
    GateReport r =
        GateEvaluator.evaluate(
            rule(null, 1.0, null, false), GateInput.of(run("abc", acc(79.5, null))), base, "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .isEqualTo(
            "metric 'top1' of task 'zs' on model 'm' is null in the baseline, so there is nothing"
                + " to compare against; fix the baseline or make a new one");
    assertThat(only(r).baseline()).isNull();
    // a value key left out is the same
    GateInput absent = file(BASELINE, "\"value\" : 80.0,", "");
    assertThat(
            only(GateEvaluator.evaluate(
                    rule(null, 1.0, null, false),
                    GateInput.of(run("abc", acc(79.5, null))),
                    absent,
                    "b"))
                .message())
        .contains("'top1' of task 'zs' on model 'm' has no value in the baseline");
  }

  @Test
  void aNullValueInTheCurrentRunFailsEvenAFloorOfZero() {
    GateInput cur = file(run("abc", acc(80, null)), "\"value\" : 80.0", "\"value\" : null");
    GateReport r = GateEvaluator.evaluate(rule(0.0, null, null, false), cur, null, null);
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .isEqualTo(
            "metric 'top1' of task 'zs' on model 'm' is null in the current run, so it cannot be"
                + " checked");
    assertThat(only(r).current()).isNull();
  }

  @Test
  void aNullIntervalBoundDoesNotExcuseADrop() {
    // [null, 82] read as [0, 82] would hold the baseline 80 and forgive the drop
    GateInput cur =
        file(
            run("abc", acc(70, new ConfidenceInterval(68, 72, 0.95, 1000))),
            "\"lower\" : 68.0",
            "\"lower\" : null");
    GateReport r =
        GateEvaluator.evaluate(rule(null, 0.5, null, true), cur, GateInput.of(BASELINE), "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message())
        .contains("drop 10")
        .contains("the current run's interval is incomplete: its lower is null");
  }

  @Test
  void aNullDirectionCannotTurnADropIntoAGain() {
    RunResult lowerIsBetter =
        run("abc", new MetricValue("top1", 90, Direction.LOWER_IS_BETTER, "%", null));
    GateInput cur = file(lowerIsBetter, "\"LOWER_IS_BETTER\"", "null");
    GateReport r =
        GateEvaluator.evaluate(rule(null, 1.0, null, false), cur, GateInput.of(BASELINE), "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message()).contains("has no direction in the current run (null)");
  }

  @Test
  void blankFingerprintsDoNotShowTheSameData() {
    GateInput base = file(BASELINE, "\"fingerprint\" : \"abc\"", "\"fingerprint\" : \"\"");
    GateInput cur =
        file(run("abc", acc(80, null)), "\"fingerprint\" : \"abc\"", "\"fingerprint\" : null");
    GateReport r = GateEvaluator.evaluate(rule(null, 1.0, null, false), cur, base, "b");
    assertThat(r.passed()).isFalse();
    assertThat(only(r).message()).contains("dataset 'val' has no fingerprint in the current run");
    GateReport blankOnly =
        GateEvaluator.evaluate(
            rule(null, 1.0, null, false), GateInput.of(run("", acc(80, null))), base, "b");
    assertThat(only(blankOnly).message()).contains("has no fingerprint in the current run");
  }

  @Test
  void aFileWithoutTheNamesAGateMatchesOnIsRefusedNamingThePlace() {
    assertThatThrownBy(() -> file(BASELINE, "\"model\" : \"m\"", "\"model\" : null"))
        .isInstanceOf(VlevalException.class)
        .hasMessage(
            "results.json: tasks[0].model is null; expected a name, as in every results.json"
                + " vleval writes, so the gates cannot read this file");
    assertThatThrownBy(() -> file(BASELINE, "\"name\" : \"top1\",", ""))
        .hasMessageStartingWith("results.json: tasks[0].metrics[0].name is missing;");
    assertThatThrownBy(
            () -> file(BASELINE, "\"provenance\" : {", "\"provenance\" : null, \"x\" : {"))
        .hasMessageStartingWith("results.json: provenance is null; expected the run's provenance");
  }
}
