/** Turning the metrics package's score tables into the outcomes and categories a run reports. */
package io.vleval.tasks.outcome;
