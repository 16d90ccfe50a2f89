/**
 * Optimisers, their parameter groups and learning-rate schedules for heads (and fine-tuned
 * backbones) trained on DJL, written to match the reference trainers (PyTorch's optimisers, mmcv's
 * schedule hooks, InternVL's layer-decay optimiser constructor) step for step.
 */
package io.vleval.tasks.training;
