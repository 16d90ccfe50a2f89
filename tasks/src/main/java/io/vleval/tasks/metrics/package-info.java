/**
 * Metric values shared by every metric family: a named score, its confidence interval and the table
 * that collects them.
 */
package io.vleval.tasks.metrics;
