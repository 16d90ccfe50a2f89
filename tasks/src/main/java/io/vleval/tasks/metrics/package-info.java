/**
 * What every metric family shares: the score table a family fills; beneath it the bootstrap
 * intervals, text handling and the common parts of the {@code vleval score} file readers.
 */
package io.vleval.tasks.metrics;
