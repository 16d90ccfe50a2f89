/** The vleval command line: picocli commands, progress display and exit codes. */
package io.vleval.cli;
