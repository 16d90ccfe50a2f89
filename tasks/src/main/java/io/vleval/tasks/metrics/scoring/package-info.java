/**
 * What the {@code vleval score} file readers share (options, one-line input errors, JSON and
 * pandas-style TSV reading, table building), and the readers of the yes/no and judged benchmarks
 * (POPE, MME, ScienceQA, MM-Vet), which share their JSON-lines reading. Each other family's reader
 * lives with its task.
 */
package io.vleval.tasks.metrics.scoring;
