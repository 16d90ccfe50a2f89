/**
 * Feature vectors on disk: the memory-mapped float32 feature file that heads train from a
 * mini-batch at a time, shared by the linear probe's cached features and the segmentation patch
 * probe.
 */
package io.vleval.tasks.features;
