/**
 * The reference's segmentation decode heads on DJL (linear probing's BN + 1x1 conv, head tuning's
 * pyramid + UperNet + auxiliary FCN head), their loss, the block maps they read (a frozen
 * backbone's, or a trainable copy's inside the autograd graph), and the iteration-based trainer
 * that fits them, with the backbone's parameters when it trains.
 */
package io.vleval.tasks.segmentation.decode;
