package io.vleval.model.internvl.provider;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.djl.TrainableBackbone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Fine-tunes a {@link TrainableBackbone} through the capability alone, as a task would: a toy
 * two-class problem (which half of the image is bright), the last block's patch tokens mean-pooled
 * under a linear head, cross-entropy, DJL's AdamW with layer-wise learning-rate decay (one
 * optimizer for the parameters with weight decay, one for those without, learning rates per
 * parameter id) and seeded drop path. Used by {@code TrainableBackboneTest} and, on a GPU, by
 * {@code GpuCheck}.
 */
public final class FineTuningRun {

  /**
   * What a run did.
   *
   * @param trainLosses the training loss of every step (drop path on)
   * @param evalBefore the loss over the toy set in inference mode before training
   * @param evalAfter the same after training
   * @param liveArrays the engine's live-array count after every step
   * @param frozenUnchanged whether every frozen parameter kept its values bit for bit
   * @param trainedChanged whether every trained parameter changed
   * @param frozenGradients how many frozen parameters had a gradient after training (0 expected)
   */
  public record Result(
      double[] trainLosses,
      double evalBefore,
      double evalAfter,
      int[] liveArrays,
      boolean frozenUnchanged,
      boolean trainedChanged,
      int frozenGradients) {}

  private static final int CLASSES = 2;

  private FineTuningRun() {}

  /**
   * Runs the fine-tuning.
   *
   * @param backbone the capability
   * @param side the input side
   * @param images how many toy images (half of each class)
   * @param steps the number of AdamW steps (one full batch each)
   * @param frozen which parameters to freeze
   * @param seed the seed of the data, the head and the drop path
   * @return what happened
   */
  public static Result run(
      TrainableBackbone backbone,
      int side,
      int images,
      int steps,
      Predicate<BackboneParameter> frozen,
      long seed) {
    float[] pixels = toyImages(images, side, backbone, seed);
    int[] labels = new int[images];
    for (int i = 0; i < images; i++) {
      labels[i] = i % CLASSES;
    }
    try (NDManager probe = NDManager.newBaseManager();
        BackboneCopy copy = backbone.copy(side);
        NDManager headManager = copy.manager().newSubManager()) {
      NDManager engine = probe.getParentManager(); // the engine's root sees every live array
      int depth = copy.shape().depth();
      int channels = copy.shape().channels();
      LayerDecay decay = new LayerDecay(0.95, depth);
      SplittableRandom rng = new SplittableRandom(seed);
      Parameter weight = headParameter("head.weight", Parameter.Type.WEIGHT);
      float[] w = new float[CLASSES * channels];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rng.nextGaussian() * 0.02);
      }
      weight.setArray(headManager.create(w, new Shape(CLASSES, channels)));
      Parameter bias = headParameter("head.bias", Parameter.Type.BIAS);
      bias.setArray(headManager.zeros(new Shape(CLASSES)));
      weight.getArray().setRequiresGradient(true);
      bias.getArray().setRequiresGradient(true);

      // optimizer groups: the backbone's by layer id and decay flag, the head at the last layer
      Map<String, Float> lrScale = new LinkedHashMap<>();
      List<Parameter> decayed = new ArrayList<>();
      List<Parameter> undecayed = new ArrayList<>();
      Map<Parameter, float[]> frozenBefore = new LinkedHashMap<>();
      Map<Parameter, float[]> trainedBefore = new LinkedHashMap<>();
      for (BackboneParameter p : copy.parameters()) {
        if (frozen.test(p)) {
          p.parameter().freeze(true);
          frozenBefore.put(p.parameter(), p.parameter().getArray().toFloatArray());
          continue;
        }
        lrScale.put(p.parameter().getId(), (float) decay.lrScale(p.layerId()));
        (p.weightDecay() ? decayed : undecayed).add(p.parameter());
        trainedBefore.put(p.parameter(), p.parameter().getArray().toFloatArray());
      }
      for (Parameter p : List.of(weight, bias)) {
        lrScale.put(p.getId(), (float) decay.lrScale(decay.head()));
        boolean decays = LayerDecay.appliesWeightDecay(p.getName(), p.getArray().getShape());
        (decays ? decayed : undecayed).add(p);
      }
      float baseLr = 5e-3f;
      Optimizer withDecay =
          Optimizer.adamW()
              .optLearningRateTracker((id, t) -> baseLr * lrScale.get(id))
              .optWeightDecays(0.05f)
              .build();
      Optimizer withoutDecay =
          Optimizer.adamW()
              .optLearningRateTracker((id, t) -> baseLr * lrScale.get(id))
              .optWeightDecays(0f)
              .build();

      double evalBefore = evalLoss(copy, weight, bias, pixels, labels, side);
      double[] losses = new double[steps];
      int[] live = new int[steps];
      for (int step = 0; step < steps; step++) {
        try (NDManager batch = copy.manager().newSubManager()) {
          NDArray x = batch.create(pixels, new Shape(images, 3, side, side));
          ParameterStore ps = new ParameterStore(batch, false);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            List<NDArray> out =
                copy.forward(
                    ps, x, List.of(depth - 1), true, DropPath.seeded(0.1, seed * 1000 + step));
            NDArray loss = loss(out.get(0), ps, weight, bias, labels, batch);
            gc.backward(loss);
            losses[step] = loss.toFloatArray()[0];
          }
          for (Parameter p : decayed) {
            update(withDecay, p);
          }
          for (Parameter p : undecayed) {
            update(withoutDecay, p);
          }
        }
        live[step] = engine.getManagedArrays().size();
      }
      double evalAfter = evalLoss(copy, weight, bias, pixels, labels, side);

      boolean frozenUnchanged = true;
      int frozenGradients = 0;
      for (Map.Entry<Parameter, float[]> e : frozenBefore.entrySet()) {
        NDArray a = e.getKey().getArray();
        frozenUnchanged &= Arrays.equals(a.toFloatArray(), e.getValue());
        frozenGradients += a.hasGradient() ? 1 : 0;
      }
      boolean trainedChanged = true;
      for (Map.Entry<Parameter, float[]> e : trainedBefore.entrySet()) {
        trainedChanged &= !Arrays.equals(e.getKey().getArray().toFloatArray(), e.getValue());
      }
      return new Result(
          losses, evalBefore, evalAfter, live, frozenUnchanged, trainedChanged, frozenGradients);
    }
  }

  private static Parameter headParameter(String name, Parameter.Type type) {
    return Parameter.builder().setName(name).setType(type).optRequiresGrad(true).build();
  }

  /** One optimizer update from the parameter's gradient, whose handle is closed at once. */
  private static void update(Optimizer optimizer, Parameter p) {
    try (NDArray grad = p.getArray().getGradient()) {
      optimizer.update(p.getId(), p.getArray(), grad); // zeroes the gradient on PyTorch
    }
  }

  /** Mean cross-entropy of the linear head on the mean-pooled patch tokens. */
  private static NDArray loss(
      NDArray tokens,
      ParameterStore ps,
      Parameter weight,
      Parameter bias,
      int[] labels,
      NDManager batch) {
    NDArray pooled = tokens.get(":, 1:, :").mean(new int[] {1});
    NDArray logits =
        Linear.linear(
                pooled,
                ps.getValue(weight, pooled.getDevice(), true),
                ps.getValue(bias, pooled.getDevice(), true))
            .singletonOrThrow();
    float[] onehot = new float[labels.length * CLASSES];
    for (int i = 0; i < labels.length; i++) {
      onehot[i * CLASSES + labels[i]] = 1f;
    }
    NDArray target =
        batch.create(onehot, new Shape(labels.length, CLASSES)).toDevice(logits.getDevice(), false);
    return logits.logSoftmax(-1).mul(target).sum(new int[] {1}).mean().neg();
  }

  private static double evalLoss(
      BackboneCopy copy, Parameter weight, Parameter bias, float[] pixels, int[] labels, int side) {
    try (NDManager batch = copy.manager().newSubManager()) {
      NDArray x = batch.create(pixels, new Shape(labels.length, 3, side, side));
      ParameterStore ps = new ParameterStore(batch, false);
      List<NDArray> out =
          copy.forward(ps, x, List.of(copy.shape().depth() - 1), false, DropPath.NONE);
      return loss(out.get(0), ps, weight, bias, labels, batch).toFloatArray()[0];
    }
  }

  /**
   * Class 0: the left half brighter; class 1: the right half; noise everywhere; normalized with the
   * backbone's mean and std.
   */
  static float[] toyImages(int n, int side, TrainableBackbone backbone, long seed) {
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5eed);
    float[] mean = backbone.pixelMean();
    float[] std = backbone.pixelStd();
    float[] out = new float[n * 3 * side * side];
    int k = 0;
    for (int i = 0; i < n; i++) {
      int label = i % CLASSES;
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < side; y++) {
          for (int x = 0; x < side; x++) {
            boolean bright = (x < side / 2) == (label == 0);
            double v = (bright ? 0.75 : 0.25) + 0.15 * rng.nextGaussian();
            out[k++] = (float) ((Math.min(1, Math.max(0, v)) - mean[c]) / std[c]);
          }
        }
      }
    }
    return out;
  }
}
