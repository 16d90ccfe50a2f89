/**
 * A finished run as reporters read it (results, gate outcomes, per-sample records), and writing
 * their files.
 */
package io.vleval.reports.run;
