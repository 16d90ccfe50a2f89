/**
 * Results as immutable values: metrics with direction and interval, per-task results, provenance,
 * the run.
 */
package io.vleval.api.result;
