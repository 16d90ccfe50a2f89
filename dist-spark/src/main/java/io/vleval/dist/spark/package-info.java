/** The spark-submit entry point: {@code vleval run}'s arguments on the Spark engine. */
package io.vleval.dist.spark;
