/**
 * Running a config: the run directory, per-sample records that make runs resumable, results files.
 */
package io.vleval.core.run;
