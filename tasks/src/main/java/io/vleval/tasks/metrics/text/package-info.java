/** Text handling that several metric families share: Python's string semantics. */
package io.vleval.tasks.metrics.text;
