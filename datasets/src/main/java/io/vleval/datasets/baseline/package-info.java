/** Baseline models that need a dataset reader: the nearest-neighbour captioner. */
package io.vleval.datasets.baseline;
