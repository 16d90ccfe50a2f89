/**
 * The reference's segmentation decode heads on DJL (linear probing's BN + 1x1 conv, head tuning's
 * pyramid + UperNet + auxiliary FCN head), their loss, and the iteration-based trainer that fits
 * them on backbone block features.
 */
package io.vleval.tasks.segmentation.decode;
