/**
 * Heads trained with DJL on frozen features: the reference linear probe's BN + linear head (with
 * its optional attention pooling), its learning-rate schedule, and the simpler cached-feature head.
 */
package io.vleval.tasks.head;
