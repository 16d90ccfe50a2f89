/**
 * The run's files as the harness writes and reads them: the {@code results.json} and {@code
 * results.csv} codec, and the gate outcomes of {@code gates.json}.
 */
package io.vleval.results;
