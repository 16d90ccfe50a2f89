package io.vleval.training.loop;

import java.util.Map;

/**
 * One optimizer step, as plain values (the CSV row and the progress callback's argument).
 *
 * @param stage the stage's name
 * @param step the 1-based step just completed
 * @param totalSteps the stage's step count
 * @param loss the mean loss of the step's micro-batches
 * @param learningRate the learning rate used
 * @param gradNorm the global gradient norm before clipping
 * @param samplesPerSecond throughput of this step
 * @param elapsedSeconds time since the stage (or its resumption) began
 * @param parts named loss components, averaged over micro-batches
 */
public record StepReport(
    String stage,
    int step,
    int totalSteps,
    double loss,
    double learningRate,
    double gradNorm,
    double samplesPerSecond,
    double elapsedSeconds,
    Map<String, Double> parts) {}
