/**
 * JMH benchmarks of the metric families on reference-sized synthetic inputs (built only with {@code
 * -Pbench}).
 */
package io.vleval.tasks.metrics.bench;
