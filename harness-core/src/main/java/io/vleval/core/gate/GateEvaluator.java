package io.vleval.core.gate;

import io.vleval.api.config.GateRuleSpec;
import io.vleval.api.config.GatesSpec;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a finished run against its gate rules. Each rule is applied to every (model, task) pair it
 * matches, and gives one {@link GateResult} per pair that passes only when every check set in the
 * rule passes:
 *
 * <ol>
 *   <li>the task and the metric exist in the current run, and its value is not NaN;
 *   <li>{@code min <= value <= max};
 *   <li>with {@code max_drop} or {@code max_drop_relative}: the task and metric exist in the
 *       baseline, its value is not NaN, the task's dataset has the same fingerprint in both runs,
 *       and the drop (the change in the metric's worse direction) is within tolerance; with {@code
 *       significance: true} a drop past tolerance still passes when the baseline value lies inside
 *       the current run's bootstrap confidence interval (no interval: the drop counts).
 * </ol>
 *
 * A rule that matches nothing fails, so a renamed task cannot silently switch its gate off.
 */
public final class GateEvaluator {

  /** Slack for comparisons, so that a value exactly at its threshold passes despite rounding. */
  private static final double EPS = 1e-9;

  private GateEvaluator() {}

  /**
   * @param baseline the baseline run, or {@code null}
   * @param baselineLabel how messages and the report name the baseline (its path)
   */
  public static GateReport evaluate(
      GatesSpec gates, RunResult current, RunResult baseline, String baselineLabel) {
    return evaluate(
        gates,
        GateInput.of(current),
        baseline == null ? null : GateInput.of(baseline),
        baselineLabel);
  }

  /**
   * As {@link #evaluate(GatesSpec, RunResult, RunResult, String)}, for runs read from files: a
   * value the file left {@code null} or out fails its gate as NaN does.
   *
   * @param baseline the baseline run, or {@code null}
   * @param baselineLabel how messages and the report name the baseline (its path)
   */
  public static GateReport evaluate(
      GatesSpec gates, GateInput current, GateInput baseline, String baselineLabel) {
    List<GateResult> out = new ArrayList<>();
    for (GateRuleSpec rule : gates.rules()) {
      out.addAll(apply(rule, current, baseline));
    }
    return GateReport.of(baseline == null ? null : baselineLabel, out);
  }

  private record Pair(String model, String task) {}

  private static List<GateResult> apply(
      GateRuleSpec rule, GateInput currentInput, GateInput baselineInput) {
    RunResult current = currentInput.result();
    RunResult baseline = baselineInput == null ? null : baselineInput.result();
    Set<Pair> pairs = new LinkedHashSet<>();
    for (TaskResult t : current.tasks()) {
      if (matches(rule, t)) {
        pairs.add(new Pair(t.model(), t.task()));
      }
    }
    if (rule.needsBaseline() && baseline != null) {
      for (TaskResult t : baseline.tasks()) {
        if (matches(rule, t)) {
          pairs.add(new Pair(t.model(), t.task()));
        }
      }
    }
    if (pairs.isEmpty()) {
      String gate =
          or(rule.model(), "*") + "/" + or(rule.task(), "*") + "/" + or(rule.metric(), "headline");
      List<String> present = current.tasks().stream().map(t -> t.model() + "/" + t.task()).toList();
      return List.of(
          new GateResult(
              gate,
              rule.model(),
              rule.task(),
              rule.metric(),
              false,
              "the rule matches nothing: no task"
                  + (rule.task() == null ? "" : " '" + rule.task() + "'")
                  + (rule.model() == null ? "" : " on model '" + rule.model() + "'")
                  + " in the current run (it has "
                  + (present.isEmpty() ? "no tasks" : String.join(", ", present))
                  + ")",
              null,
              null));
    }
    List<GateResult> out = new ArrayList<>();
    for (Pair p : pairs) {
      out.add(
          check(
              rule,
              p,
              find(current, p),
              baseline == null ? null : find(baseline, p),
              currentInput,
              baselineInput));
    }
    return out;
  }

  private static GateResult check(
      GateRuleSpec rule,
      Pair p,
      TaskResult cur,
      TaskResult base,
      GateInput current,
      GateInput baseline) {
    String metric =
        rule.metric() != null
            ? rule.metric()
            : cur != null && cur.headline() != null
                ? cur.headline()
                : base != null && base.headline() != null ? base.headline() : "headline";
    String where = "'" + metric + "' of task '" + p.task() + "' on model '" + p.model() + "'";
    List<String> failures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    MetricValue c = cur == null ? null : metric(cur, metric);
    MetricValue b = base == null ? null : metric(base, metric);
    if (cur == null) {
      failures.add(
          "task '"
              + p.task()
              + "' on model '"
              + p.model()
              + "' is missing from the current run"
              + " (it is in the baseline)");
    } else if (!cur.scored()) {
      failures.add(
          "task '"
              + p.task()
              + "' on model '"
              + p.model()
              + "' has no score: none of its "
              + cur.seenCount()
              + " samples could be scored ("
              + cur.skippedCount()
              + " unreadable, "
              + cur.failedCount()
              + " failed, skipped under on_error: skip)");
    } else if (c == null) {
      failures.add(
          "metric "
              + where
              + " is missing from the current run; the task has "
              + String.join(", ", cur.metrics().stream().map(MetricValue::name).toList()));
    } else if (current.gap(p.model(), p.task(), metric, "value").isPresent()) {
      failures.add(
          "metric "
              + where
              + " "
              + noValue(current.gap(p.model(), p.task(), metric, "value").get())
              + " in the current run, so it cannot be checked");
    } else if (Double.isNaN(c.value())) {
      failures.add("metric " + where + " is NaN in the current run");
    } else {
      if (rule.min() != null) {
        if (c.value() < rule.min() - EPS) {
          failures.add(
              where + " is " + fmt(c.value()) + ", below the floor min " + fmt(rule.min()));
        } else {
          notes.add(fmt(c.value()) + " >= min " + fmt(rule.min()));
        }
      }
      if (rule.max() != null) {
        if (c.value() > rule.max() + EPS) {
          failures.add(
              where + " is " + fmt(c.value()) + ", above the ceiling max " + fmt(rule.max()));
        } else {
          notes.add(fmt(c.value()) + " <= max " + fmt(rule.max()));
        }
      }
    }
    if (rule.needsBaseline()) {
      compare(rule, p, metric, where, cur, c, base, b, current, baseline, failures, notes);
    }
    boolean passed = failures.isEmpty();
    return new GateResult(
        p.model() + "/" + p.task() + "/" + metric,
        p.model(),
        p.task(),
        metric,
        passed,
        String.join("; ", passed ? notes : failures),
        c == null || current.gap(p.model(), p.task(), metric, "value").isPresent()
            ? null
            : c.value(),
        b == null
                || baseline == null
                || baseline.gap(p.model(), p.task(), metric, "value").isPresent()
            ? null
            : b.value());
  }

  /** How a message says that a file gave no number: it was {@code null}, or the key was absent. */
  private static String noValue(String gap) {
    return gap.equals("null") ? "is null" : "has no value";
  }

  private static void compare(
      GateRuleSpec rule,
      Pair p,
      String metric,
      String where,
      TaskResult cur,
      MetricValue c,
      TaskResult base,
      MetricValue b,
      GateInput currentInput,
      GateInput baselineInput,
      List<String> failures,
      List<String> notes) {
    RunResult current = currentInput.result();
    RunResult baseline = baselineInput == null ? null : baselineInput.result();
    if (baseline == null) {
      failures.add(
          "max_drop needs a baseline: set 'baseline' in the gates section or pass --baseline");
      return;
    }
    if (base == null) {
      failures.add(
          "task '" + cur.task() + "' on model '" + cur.model() + "' is missing from the baseline");
      return;
    }
    if (b == null) {
      failures.add(
          "metric "
              + where
              + " is missing from the baseline; the baseline's task has "
              + String.join(", ", base.metrics().stream().map(MetricValue::name).toList()));
      return;
    }
    Optional<String> baseGap = baselineInput.gap(p.model(), p.task(), metric, "value");
    if (baseGap.isPresent()) {
      failures.add(
          "metric "
              + where
              + " "
              + noValue(baseGap.get())
              + " in the baseline, so there is nothing to compare against; fix the baseline or"
              + " make a new one");
      return;
    }
    if (Double.isNaN(b.value())) {
      failures.add("metric " + where + " is NaN in the baseline");
      return;
    }
    if (cur != null) {
      String fc = fingerprint(current, cur.dataset());
      String fb = fingerprint(baseline, base.dataset());
      if (fc == null || fb == null) {
        failures.add(
            "dataset '"
                + (fc == null ? cur.dataset() : base.dataset())
                + "' has no fingerprint in the "
                + (fc == null ? "current run" : "baseline")
                + ", so the runs cannot be shown to use the same data");
      } else if (!fc.equals(fb)) {
        failures.add(
            "dataset '"
                + cur.dataset()
                + "' differs from the baseline's: fingerprint "
                + abbreviate(fb)
                + " in the baseline (dataset '"
                + base.dataset()
                + "'), "
                + abbreviate(fc)
                + " now; a drop is only meaningful on the same data, so make a new baseline");
      }
    }
    if (c == null
        || Double.isNaN(c.value())
        || currentInput.gap(p.model(), p.task(), metric, "value").isPresent()) {
      return; // already failed above
    }
    if (c.direction() == null) {
      failures.add(
          "metric "
              + where
              + " has no direction in the current run (null); expected higher_is_better or"
              + " lower_is_better, without which a drop cannot be told from a gain");
      return;
    }
    double drop =
        c.direction() == Direction.LOWER_IS_BETTER ? c.value() - b.value() : b.value() - c.value();
    double relative =
        b.value() == 0 ? (drop > EPS ? Double.POSITIVE_INFINITY : 0) : drop / Math.abs(b.value());
    List<String> exceeded = new ArrayList<>();
    String change =
        drop <= 0
            ? "no drop against the baseline "
                + fmt(b.value())
                + (drop < 0 ? " (improved by " + fmt(-drop) + ")" : "")
            : "drop "
                + fmt(drop)
                + " ("
                + pct(relative)
                + ") against the baseline "
                + fmt(b.value());
    if (rule.maxDrop() != null && drop > rule.maxDrop() + EPS) {
      exceeded.add("max_drop " + fmt(rule.maxDrop()));
    }
    if (rule.maxDropRelative() != null && relative > rule.maxDropRelative() + EPS) {
      exceeded.add("max_drop_relative " + pct(rule.maxDropRelative()));
    }
    if (exceeded.isEmpty()) {
      notes.add(change + " within tolerance");
      return;
    }
    String message =
        where
            + " is "
            + fmt(c.value())
            + ": "
            + change
            + " exceeds "
            + String.join(" and ", exceeded);
    if (!rule.significance()) {
      failures.add(message);
      return;
    }
    ConfidenceInterval ci = c.interval();
    List<String> unknownBounds = new ArrayList<>();
    for (String bound : new String[] {"lower", "upper", "level"}) {
      currentInput
          .gap(p.model(), p.task(), metric, "interval." + bound)
          .ifPresent(g -> unknownBounds.add(bound + " " + noValue(g)));
    }
    if (ci != null && !unknownBounds.isEmpty()) {
      failures.add(
          message
              + " (the current run's interval is incomplete: its "
              + String.join(", ", unknownBounds)
              + ", so the drop counts as significant)");
    } else if (ci == null) {
      failures.add(
          message
              + " (no confidence interval in the current run, so the drop counts as significant)");
    } else if (b.value() >= ci.lower() - EPS && b.value() <= ci.upper() + EPS) {
      notes.add(
          change
              + " exceeds "
              + String.join(" and ", exceeded)
              + " but is not significant: the baseline lies inside"
              + " the current "
              + pct(ci.level())
              + " interval ["
              + fmt(ci.lower())
              + ", "
              + fmt(ci.upper())
              + "]");
    } else {
      failures.add(
          message
              + ", and the baseline lies outside the current "
              + pct(ci.level())
              + " interval ["
              + fmt(ci.lower())
              + ", "
              + fmt(ci.upper())
              + "]");
    }
  }

  private static boolean matches(GateRuleSpec rule, TaskResult t) {
    return (rule.task() == null || rule.task().equals(t.task()))
        && (rule.model() == null || rule.model().equals(t.model()));
  }

  private static TaskResult find(RunResult run, Pair p) {
    return run.tasks().stream()
        .filter(t -> t.model().equals(p.model()) && t.task().equals(p.task()))
        .findFirst()
        .orElse(null);
  }

  private static MetricValue metric(TaskResult t, String name) {
    return t.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
  }

  private static String fingerprint(RunResult run, String dataset) {
    return run.provenance().datasets().stream()
        .filter(d -> Objects.equals(d.name(), dataset))
        .map(DatasetProvenance::fingerprint)
        .filter(f -> f != null && !f.isBlank())
        .findFirst()
        .orElse(null);
  }

  private static String abbreviate(String fingerprint) {
    return fingerprint.length() > 16 ? fingerprint.substring(0, 16) + "..." : fingerprint;
  }

  private static String or(String value, String otherwise) {
    return value == null ? otherwise : value;
  }

  /** Six significant digits, no exponent for ordinary scores. */
  static String fmt(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  private static String pct(double fraction) {
    if (Double.isInfinite(fraction) || Double.isNaN(fraction)) {
      return fraction + "%";
    }
    return new BigDecimal(fraction * 100)
            .round(new MathContext(4))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }
}
