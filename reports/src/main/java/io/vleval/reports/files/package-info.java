/**
 * The json and csv reporters: copies of results.json and results.csv in the runner's own formats,
 * elsewhere.
 */
package io.vleval.reports.files;
