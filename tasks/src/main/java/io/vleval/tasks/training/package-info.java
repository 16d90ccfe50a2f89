/**
 * Optimisers and learning-rate schedules for heads trained on frozen features, written to match the
 * reference trainers (PyTorch's optimisers, mmcv's schedule hooks) step for step.
 */
package io.vleval.tasks.training;
