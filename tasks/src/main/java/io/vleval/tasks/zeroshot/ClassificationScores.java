package io.vleval.tasks.zeroshot;

/**
 * Zero-shot classification scores for one dataset.
 *
 * @param top1 fraction of samples whose target is the highest logit
 * @param top5 fraction whose target is among the five highest; NaN when the dataset has fewer than
 *     5 classes
 * @param meanPerClassRecall mean over classes present in the targets of per-class recall of the
 *     argmax prediction
 * @param samples number of samples
 */
public record ClassificationScores(
    double top1, double top5, double meanPerClassRecall, int samples) {}
