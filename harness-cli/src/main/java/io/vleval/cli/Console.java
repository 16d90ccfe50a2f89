package io.vleval.cli;

import java.io.PrintWriter;

/** Where the command writes: results to out, diagnostics and progress to err. */
record Console(PrintWriter out, PrintWriter err, boolean interactive) {}
