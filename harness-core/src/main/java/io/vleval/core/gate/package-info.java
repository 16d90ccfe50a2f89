/** Regression gates: checking a finished run's metrics against floors and a baseline run. */
package io.vleval.core.gate;
