package io.vleval.cli;

import io.vleval.results.GateReport;
import io.vleval.results.GateResult;
import java.io.PrintWriter;

/** Prints gate outcomes: one line per gate, then a summary. */
final class GatePrinter {
  private GatePrinter() {}

  static void print(GateReport report, PrintWriter out) {
    out.println();
    out.println(
        "gates" + (report.baseline() == null ? "" : " (baseline " + report.baseline() + ")") + ":");
    for (GateResult g : report.results()) {
      out.println("  " + (g.passed() ? "PASS " : "FAIL ") + g.gate() + ": " + g.message());
    }
    int failed = report.failures().size();
    out.println(
        failed == 0
            ? "all " + report.results().size() + " gates passed"
            : failed + " of " + report.results().size() + " gates FAILED");
    out.flush();
  }
}
