/**
 * Semantic segmentation as InternVL's ADE20K evaluation runs it (heads trained on frozen backbone
 * blocks, or with the backbone fine-tuned on a copy; sliding-window inference) and a fast
 * patch-probe variant, scored as mmsegmentation does.
 */
package io.vleval.tasks.segmentation;
