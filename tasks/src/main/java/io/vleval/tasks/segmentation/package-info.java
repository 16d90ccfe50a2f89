/**
 * Semantic segmentation as InternVL's ADE20K evaluation runs it (heads trained on frozen backbone
 * blocks, or with the backbone fine-tuned on a copy; sliding-window inference) and a fast
 * patch-probe variant, scored as mmsegmentation's IoUMetric does (aAcc, mIoU, mAcc, mDice,
 * mFscore), and the {@code vleval score segmentation} PNG reader.
 */
package io.vleval.tasks.segmentation;
