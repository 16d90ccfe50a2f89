/** The Spark 4 engine: per-sample work of a run on a Spark cluster's executors. */
package io.vleval.engine.spark;
