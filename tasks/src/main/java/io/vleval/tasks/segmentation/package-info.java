/**
 * Semantic segmentation by linear probing of dense patch features, scored as mmsegmentation does.
 */
package io.vleval.tasks.segmentation;
