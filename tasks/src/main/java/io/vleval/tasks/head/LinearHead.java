package io.vleval.tasks.head;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.vleval.api.djl.ParameterUpdate;
import io.vleval.tasks.training.Shuffle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A classifier on frozen features, trained as the reference linear probe does: {@code
 * BatchNorm1d(affine, eps 1e-6) -> Linear} (weight ~ N(0, 0.01), bias 0), SGD with Nesterov
 * momentum 0.9 and no weight decay, a linear warm-up then cosine decay per step, gradient-norm
 * clipping at 5, and label-smoothed cross entropy. Mixup/CutMix of the reference are image-space
 * augmentations and do not apply to cached features.
 *
 * <p>Trained with DJL's autograd on the PyTorch engine. Everything training creates lives in a
 * training scope closed on every path, a failed step included: each step's temporaries in a
 * sub-manager closed at the end of the step (the parameters and optimizer state are attached to it
 * for the step, so that what is computed from them is its too), the optimizer state in the scope
 * itself. Only the trained parameters outlive it, in the head's own manager.
 */
public final class LinearHead implements AutoCloseable {

  /**
   * Training settings.
   *
   * @param learningRate peak learning rate (the reference: 0.1 per 512 samples of batch)
   * @param warmupEpochs epochs of linear warm-up from 0
   */
  public record Settings(
      int epochs,
      int batchSize,
      double learningRate,
      double warmupEpochs,
      double labelSmoothing,
      double clipNorm,
      long seed) {}

  private final NDManager manager;
  private final Parameters parameters;

  /** {@code sqrt(runningVar + eps)}, the inference-mode divisor, computed once. */
  private final NDArray runningStd;

  private final int classes;
  private final List<Double> losses;

  /** Takes the trained arrays over into {@code manager}, the head's own. */
  private LinearHead(
      NDManager manager,
      Parameters parameters,
      NDArray runningStd,
      int classes,
      List<Double> losses) {
    this.manager = manager;
    this.parameters = parameters;
    this.runningStd = runningStd;
    this.classes = classes;
    this.losses = List.copyOf(losses);
    parameters.attach(manager);
    runningStd.attach(manager);
  }

  /** The head's parameters and the BatchNorm running statistics, as torch's modules hold them. */
  private static final class Parameters {
    final NDArray gamma;
    final NDArray beta;
    final NDArray weight;
    final NDArray bias;
    NDArray runningMean;
    NDArray runningVar;

    Parameters(NDManager manager, int dim, int classes, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] w = new float[classes * dim];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (0.01 * gaussian(random));
      }
      gamma = manager.ones(new Shape(dim));
      beta = manager.zeros(new Shape(dim));
      weight = manager.create(w, new Shape(dim, classes));
      bias = manager.zeros(new Shape(classes));
      runningMean = manager.zeros(new Shape(dim));
      runningVar = manager.ones(new Shape(dim));
      for (NDArray p : trainable()) {
        p.setRequiresGradient(true);
      }
    }

    NDArray[] trainable() {
      return new NDArray[] {gamma, beta, weight, bias};
    }

    /** Lends every array to {@code step} until it closes, so what is computed from them is its. */
    void lendTo(NDManager step) {
      step.tempAttachAll(gamma, beta, weight, bias, runningMean, runningVar);
    }

    /** Moves every array to {@code owner} for good. */
    void attach(NDManager owner) {
      owner.attachAll(gamma, beta, weight, bias, runningMean, runningVar);
    }
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Trains a head on {@code features[n][dim]} with labels in [0, classes). */
  public static LinearHead train(float[][] features, int[] labels, int classes, Settings s) {
    if (features.length == 0 || features.length != labels.length) {
      throw new IllegalArgumentException("need as many labels as feature rows, and at least one");
    }
    return train(FeatureRows.of(features), labels, classes, s);
  }

  /**
   * Trains a head on {@code features} (n rows) with labels in [0, classes). Only one mini-batch of
   * features is in memory at a time, so the rows may come from a file larger than the heap; the
   * head equals the one trained on the same rows in memory.
   */
  public static LinearHead train(FeatureRows features, int[] labels, int classes, Settings s) {
    return train(features, labels, classes, s, NDManager::newBaseManager);
  }

  /**
   * Trains with managers from {@code managers}: the training scope, closed before this returns or
   * throws, and, once training has succeeded, the head's own (tests pass sub-managers of one they
   * inspect).
   */
  static LinearHead train(
      FeatureRows features, int[] labels, int classes, Settings s, Supplier<NDManager> managers) {
    if (features.size() == 0 || features.size() != labels.length) {
      throw new IllegalArgumentException("need as many labels as feature rows, and at least one");
    }
    try (NDManager training = managers.get()) {
      Parameters parameters = new Parameters(training, features.dim(), classes, s.seed());
      List<Double> losses = fit(training, parameters, features, labels, classes, s);
      NDArray runningStd = parameters.runningVar.add(1e-6f).sqrt();
      return new LinearHead(managers.get(), parameters, runningStd, classes, losses);
    }
  }

  /** Runs the epochs; returns the mean training loss of each. */
  private static List<Double> fit(
      NDManager training,
      Parameters parameters,
      FeatureRows features,
      int[] labels,
      int classes,
      Settings s) {
    int n = features.size();
    int dim = features.dim();
    int stepsPerEpoch = (n + s.batchSize() - 1) / s.batchSize();
    long totalSteps = (long) stepsPerEpoch * s.epochs();
    long warmup = Math.round(s.warmupEpochs() * stepsPerEpoch);
    NDArray[] params = parameters.trainable();
    NDArray[] velocity = new NDArray[params.length];
    for (int p = 0; p < params.length; p++) {
      velocity[p] = training.zeros(params[p].getShape());
    }
    List<Double> losses = new ArrayList<>();
    SplittableRandom shuffle = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
    long step = 0;
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      int[] order = Shuffle.permutation(n, shuffle);
      double epochLoss = 0;
      for (int b = 0; b < stepsPerEpoch; b++) {
        int from = b * s.batchSize();
        int to = Math.min(n, from + s.batchSize());
        int[] idx = Arrays.copyOfRange(order, from, to);
        double lr =
            step < warmup
                ? s.learningRate() * step / Math.max(1, warmup)
                : s.learningRate()
                    * 0.5
                    * (1 + Math.cos(Math.PI * (step - warmup) / Math.max(1, totalSteps - warmup)));
        try (NDManager batch = training.newSubManager()) {
          parameters.lendTo(batch);
          batch.tempAttachAll(velocity);
          float[] rows = new float[idx.length * dim];
          features.gather(idx, rows);
          NDArray xb = batch.create(rows, new Shape(idx.length, dim));
          float[] target = smoothedTargets(labels, idx, classes, s.labelSmoothing());
          NDArray yb = batch.create(target, new Shape(idx.length, classes));
          NDArray loss;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = trainingForward(parameters, training, xb);
            NDArray logProb = logits.logSoftmax(1);
            loss = logProb.mul(yb).sum(new int[] {1}).neg().mean();
            gc.backward(loss);
          }
          epochLoss += loss.getFloat() * idx.length;
          // clip the global gradient norm, then SGD with Nesterov momentum (PyTorch's formulation)
          double norm2 = 0;
          for (NDArray p : params) {
            norm2 += p.getGradient().square().sum().getFloat();
          }
          float clip = (float) Math.min(1.0, s.clipNorm() / (Math.sqrt(norm2) + 1e-6));
          for (int p = 0; p < params.length; p++) {
            NDArray g = params[p].getGradient().mul(clip);
            velocity[p].muli(0.9f).addi(g);
            NDArray update = g.add(velocity[p].mul(0.9f)).mul((float) lr);
            ParameterUpdate.subtract(params[p], update);
            params[p].getGradient().muli(0f);
          }
        }
        step++;
      }
      losses.add(epochLoss / n);
    }
    return losses;
  }

  /**
   * The training-mode forward pass: batch statistics, and the running statistics updated as torch's
   * BatchNorm1d keeps them (momentum 0.1, unbiased variance). The new running statistics move to
   * {@code training}; the old ones are closed.
   */
  private static NDArray trainingForward(Parameters p, NDManager training, NDArray x) {
    NDArray mean = x.mean(new int[] {0});
    NDArray var = x.sub(mean).square().mean(new int[] {0});
    int n = (int) x.getShape().get(0);
    float unbias = n > 1 ? (float) n / (n - 1) : 1f;
    NDArray newMean = p.runningMean.mul(0.9f).add(mean.stopGradient().mul(0.1f));
    NDArray newVar = p.runningVar.mul(0.9f).add(var.stopGradient().mul(0.1f * unbias));
    newMean.attach(training);
    newVar.attach(training);
    p.runningMean.close();
    p.runningVar.close();
    p.runningMean = newMean;
    p.runningVar = newVar;
    NDArray normalized = x.sub(mean).div(var.add(1e-6f).sqrt());
    return normalized.mul(p.gamma).add(p.beta).matMul(p.weight).add(p.bias);
  }

  /** Logits for {@code features[n][dim]}, in inference mode (running statistics). */
  public float[][] logits(float[][] features) {
    int n = features.length;
    if (n == 0) {
      return new float[0][];
    }
    int dim = features[0].length;
    float[] flat = new float[n * dim];
    for (int i = 0; i < n; i++) {
      System.arraycopy(features[i], 0, flat, i * dim, dim);
    }
    try (NDManager scope = manager.newSubManager()) {
      NDArray x = scope.create(flat, new Shape(n, dim));
      Parameters p = parameters;
      NDArray normalized = x.sub(p.runningMean).div(runningStd);
      NDArray out = normalized.mul(p.gamma).add(p.beta).matMul(p.weight).add(p.bias);
      float[] values = out.toFloatArray();
      float[][] rows = new float[n][classes];
      for (int i = 0; i < n; i++) {
        System.arraycopy(values, i * classes, rows[i], 0, classes);
      }
      return rows;
    }
  }

  /** Mean training loss of each epoch. */
  public List<Double> epochLosses() {
    return losses;
  }

  private static float[] smoothedTargets(int[] labels, int[] idx, int classes, double smoothing) {
    float[] t = new float[idx.length * classes];
    float off = (float) (smoothing / classes);
    for (int i = 0; i < idx.length; i++) {
      for (int c = 0; c < classes; c++) {
        t[i * classes + c] = off;
      }
      t[i * classes + labels[idx[i]]] += (float) (1 - smoothing);
    }
    return t;
  }

  @Override
  public void close() {
    manager.close();
  }
}
