/**
 * The ADE20K training and test transforms of the reference (mmsegmentation v0.30.0 on mmcv 1.x and
 * OpenCV), on 8-bit images and label maps, each given the random values it draws.
 */
package io.vleval.tasks.segmentation.pipeline;
