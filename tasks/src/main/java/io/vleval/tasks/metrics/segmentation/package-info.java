/**
 * Semantic segmentation metrics (aAcc, mIoU, mAcc, mDice, mFscore) accumulated over a dataset as
 * mmsegmentation's IoUMetric does.
 */
package io.vleval.tasks.metrics.segmentation;
