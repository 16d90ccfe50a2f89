package io.vleval.tasks.head;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.vleval.api.djl.ParameterUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The reference linear probe's classifier (InternVL {@code
 * classification/models/intern_vit_6b.py}): an optional attention-pooling block over a block's
 * tokens ({@code cls_target='attention_pooling'}), then {@code BatchNorm1d(eps 1e-6, affine)}
 * ({@code norm}) and {@code Linear} ({@code head}, weight ~ N(0, 0.01), bias 0), trained one step
 * at a time with soft-target cross entropy, global gradient-norm clipping and SGD with Nesterov
 * momentum 0.9 (PyTorch's formulation, weight decay on the weight matrices only, as the reference's
 * {@code optimizer.py} sets it: never on 1-d parameters or biases).
 *
 * <p>The attention pooling is the reference's {@code AttentionPoolingBlock(dim=C, num_heads,
 * qkv_bias=True, norm_layer=LayerNorm(eps 1e-5), out_dim=C)}: the query is the mean of all tokens,
 * keys and values every token, each through its own LayerNorm; separate q/k/v biases; softmax
 * attention with scale {@code head_dim^-0.5}; a projection; no residual. It is initialised as
 * PyTorch initialises those layers (Linear weights and the projection's bias uniform in {@code +-1
 * / sqrt(C)}, q/k/v biases 0, LayerNorms 1 and 0), as the reference leaves them.
 *
 * <p>Parameters carry the reference's state-dict names ({@link #state()}); every array lives in the
 * head's own manager, each step's temporaries in a sub-manager closed with the step.
 */
public final class ProbeHead implements AutoCloseable {

  /** BatchNorm's epsilon in the reference ({@code SyncBatchNorm(..., eps=1e-6)}). */
  public static final float BN_EPS = 1e-6f;

  /** The attention-pooling LayerNorms' epsilon ({@code partial(nn.LayerNorm, eps=1e-5)}). */
  public static final float LN_EPS = 1e-5f;

  /** BatchNorm's running-statistics momentum (PyTorch's default). */
  private static final float BN_MOMENTUM = 0.1f;

  private static final String POOL = "attn_pooling.";

  /**
   * Optimizer settings of one step.
   *
   * @param momentum SGD momentum (the reference: 0.9, Nesterov)
   * @param weightDecay L2 weight decay on the weight matrices (the reference: 0)
   * @param clipNorm the global gradient norm is scaled down to this when larger (the reference: 5)
   */
  public record StepSettings(double momentum, double weightDecay, double clipNorm) {}

  /**
   * What one step saw.
   *
   * @param loss the mean soft-target cross entropy of the batch before the update
   * @param gradNorm the global gradient norm before clipping
   */
  public record StepResult(double loss, double gradNorm) {}

  private final NDManager manager;
  private final int inputDim;
  private final int classes;
  private final int poolingHeads;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final Map<String, NDArray> velocity = new LinkedHashMap<>();
  private NDArray runningMean;
  private NDArray runningVar;

  private ProbeHead(NDManager manager, int inputDim, int classes, int poolingHeads) {
    this.manager = manager;
    this.inputDim = inputDim;
    this.classes = classes;
    this.poolingHeads = poolingHeads;
  }

  /**
   * A head initialised as the reference initialises it, from {@code seed}.
   *
   * @param inputDim the feature size (cls_patch_concat: twice the channels), or with pooling the
   *     channels of each token
   * @param poolingHeads the attention-pooling heads, 0 for none (then the input is one vector per
   *     image); must divide {@code inputDim}
   */
  public static ProbeHead create(int inputDim, int classes, int poolingHeads, long seed) {
    if (poolingHeads < 0 || (poolingHeads > 0 && inputDim % poolingHeads != 0)) {
      throw new IllegalArgumentException(
          poolingHeads + " pooling heads do not divide " + inputDim + " channels");
    }
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, float[]> state = new LinkedHashMap<>();
    int c = inputDim;
    if (poolingHeads > 0) {
      double bound = 1 / Math.sqrt(c);
      for (String n : List.of("norm1_q", "norm1_k", "norm1_v")) {
        state.put(POOL + n + ".weight", filled(c, 1f));
        state.put(POOL + n + ".bias", new float[c]);
      }
      for (String n : List.of("q", "k", "v")) {
        state.put(POOL + "cross_attn." + n + ".weight", uniform(c * c, bound, random));
      }
      for (String n : List.of("q_bias", "k_bias", "v_bias")) {
        state.put(POOL + "cross_attn." + n, new float[c]);
      }
      state.put(POOL + "cross_attn.proj.weight", uniform(c * c, bound, random));
      state.put(POOL + "cross_attn.proj.bias", uniform(c, bound, random));
    }
    state.put("norm.weight", filled(c, 1f));
    state.put("norm.bias", new float[c]);
    state.put("norm.running_mean", new float[c]);
    state.put("norm.running_var", filled(c, 1f));
    float[] w = new float[classes * c];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (0.01 * random.nextGaussian());
    }
    state.put("head.weight", w);
    state.put("head.bias", new float[classes]);
    return of(state, inputDim, classes, poolingHeads);
  }

  /**
   * A head with the given state, by the reference's names (Linear weights {@code [out, in]},
   * row-major), as a parity test sets one.
   */
  public static ProbeHead of(
      Map<String, float[]> state, int inputDim, int classes, int poolingHeads) {
    NDManager manager = NDManager.newBaseManager();
    ProbeHead head = new ProbeHead(manager, inputDim, classes, poolingHeads);
    int c = inputDim;
    for (Map.Entry<String, float[]> e : state.entrySet()) {
      String name = e.getKey();
      if (name.equals("norm.running_mean") || name.equals("norm.running_var")) {
        continue;
      }
      Shape shape = shapeOf(name, c, classes);
      if (shape.size() != e.getValue().length) {
        manager.close();
        throw new IllegalArgumentException(
            name + " has " + e.getValue().length + " values, expected " + shape);
      }
      NDArray p;
      if (shape.dimension() == 2) {
        // kept as [in, out] so that the forward pass multiplies the batch by it directly;
        // transposed here, not with NDArray.transpose(), whose view would outlive the array
        // whose memory it shares
        int rows = (int) shape.get(0);
        int cols = (int) shape.get(1);
        p = manager.create(transposed(e.getValue(), rows, cols), new Shape(cols, rows));
      } else {
        p = manager.create(e.getValue(), shape);
      }
      p.setRequiresGradient(true);
      head.params.put(name, p);
      head.velocity.put(name, null);
    }
    head.runningMean = manager.create(state.get("norm.running_mean"), new Shape(c));
    head.runningVar = manager.create(state.get("norm.running_var"), new Shape(c));
    return head;
  }

  private static Shape shapeOf(String name, int c, int classes) {
    if (name.equals("head.weight")) {
      return new Shape(classes, c);
    }
    if (name.equals("head.bias")) {
      return new Shape(classes);
    }
    if (name.endsWith(".weight") && name.startsWith(POOL + "cross_attn.")) {
      return new Shape(c, c);
    }
    return new Shape(c);
  }

  private static float[] transposed(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = a[r * cols + c];
      }
    }
    return t;
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static float[] uniform(int n, double bound, SplittableRandom random) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return a;
  }

  /** The number of classes. */
  public int classes() {
    return classes;
  }

  /** One training step on a batch: forward in training mode, backward, clip, SGD update. */
  public StepResult step(float[][] inputs, float[][] targets, double lr, StepSettings s) {
    try (NDManager batch = manager.newSubManager()) {
      NDArray x = input(inputs, batch);
      NDArray t = batch.create(flatten(targets, classes), new Shape(inputs.length, classes));
      NDArray loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = forward(x, true, batch);
        loss = logits.logSoftmax(1).mul(t).sum(new int[] {1}).neg().mean();
        gc.backward(loss);
      }
      double lossValue = loss.getFloat();
      Map<String, NDArray> grads = new LinkedHashMap<>();
      double norm2 = 0;
      for (Map.Entry<String, NDArray> p : params.entrySet()) {
        NDArray g = p.getValue().getGradient();
        g.attach(batch);
        grads.put(p.getKey(), g);
        norm2 += g.square().sum().getFloat();
      }
      double norm = Math.sqrt(norm2);
      // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1
      double coef = s.clipNorm() / (norm + 1e-6);
      for (Map.Entry<String, NDArray> p : params.entrySet()) {
        String name = p.getKey();
        NDArray param = p.getValue();
        NDArray g = grads.get(name);
        NDArray d = coef < 1 ? g.mul((float) coef) : g.duplicate();
        d.attach(batch);
        if (s.weightDecay() != 0 && decays(name)) {
          NDArray values = ParameterUpdate.values(param);
          values.attach(batch);
          NDArray decay = values.mul((float) s.weightDecay());
          decay.attach(batch);
          d.addi(decay);
        }
        // torch.optim.SGD, dampening 0: buf = d on the first step, then buf = m buf + d;
        // Nesterov: d = d + m buf; p -= lr d
        NDArray buf = velocity.get(name);
        if (buf == null) {
          buf = d.duplicate();
          buf.attach(manager);
          velocity.put(name, buf);
        } else {
          buf.muli((float) s.momentum()).addi(d);
        }
        NDArray ahead = buf.mul((float) s.momentum());
        ahead.attach(batch);
        NDArray update = d.add(ahead).mul((float) lr);
        ParameterUpdate.subtract(param, update);
        g.muli(0f);
      }
      return new StepResult(lossValue, norm);
    }
  }

  /** Weight decay applies to the weight matrices: never to 1-d parameters or biases. */
  private static boolean decays(String name) {
    return name.endsWith(".weight") && !name.startsWith("norm.") && !name.contains(".norm1_");
  }

  /** Logits in training mode (batch statistics, running statistics updated), for parity tests. */
  public float[][] trainingLogits(float[][] inputs) {
    try (NDManager batch = manager.newSubManager()) {
      return rows(forward(input(inputs, batch), true, batch), classes);
    }
  }

  /** Logits in inference mode (running statistics). */
  public float[][] logits(float[][] inputs) {
    if (inputs.length == 0) {
      return new float[0][];
    }
    try (NDManager batch = manager.newSubManager()) {
      return rows(forward(input(inputs, batch), false, batch), classes);
    }
  }

  /** The parameters and running statistics by the reference's names, weights {@code [out, in]}. */
  public Map<String, float[]> state() {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> p : params.entrySet()) {
      NDArray v = p.getValue();
      if (v.getShape().dimension() == 2) {
        int rows = (int) v.getShape().get(0);
        int cols = (int) v.getShape().get(1);
        out.put(p.getKey(), transposed(v.toFloatArray(), rows, cols));
      } else {
        out.put(p.getKey(), v.toFloatArray());
      }
    }
    out.put("norm.running_mean", runningMean.toFloatArray());
    out.put("norm.running_var", runningVar.toFloatArray());
    return out;
  }

  private NDArray input(float[][] rows, NDManager batch) {
    int n = rows.length;
    int d = rows[0].length;
    if (poolingHeads > 0) {
      if (d % inputDim != 0) {
        throw new IllegalArgumentException(
            "a row of " + d + " values is not a whole number of " + inputDim + "-channel tokens");
      }
      return batch.create(flatten(rows, d), new Shape(n, d / inputDim, inputDim));
    }
    if (d != inputDim) {
      throw new IllegalArgumentException("features have " + d + " values, the head " + inputDim);
    }
    return batch.create(flatten(rows, d), new Shape(n, d));
  }

  private NDArray forward(NDArray x, boolean training, NDManager batch) {
    NDArray features = poolingHeads > 0 ? pool(x, batch) : x;
    NDArray eps = batch.create(BN_EPS);
    NDArray normalized;
    if (training) {
      NDArray mean = features.mean(new int[] {0});
      NDArray centred = features.sub(mean);
      NDArray var = centred.square().mean(new int[] {0});
      normalized = centred.div(var.add(eps).sqrt());
      // running statistics as torch's BatchNorm1d keeps them: momentum 0.1, unbiased variance
      long n = features.getShape().get(0);
      float unbias = n > 1 ? (float) n / (n - 1) : 1f;
      NDArray keptMean = runningMean.mul(1 - BN_MOMENTUM);
      NDArray keptVar = runningVar.mul(1 - BN_MOMENTUM);
      keptMean.attach(batch);
      keptVar.attach(batch);
      NDArray newMean = keptMean.add(mean.stopGradient().mul(BN_MOMENTUM));
      NDArray newVar = keptVar.add(var.stopGradient().mul(BN_MOMENTUM * unbias));
      newMean.attach(manager);
      newVar.attach(manager);
      runningMean.close();
      runningVar.close();
      runningMean = newMean;
      runningVar = newVar;
    } else {
      normalized = features.sub(runningMean).div(eps.add(runningVar).sqrt());
    }
    NDArray y = normalized.mul(params.get("norm.weight")).add(params.get("norm.bias"));
    return y.matMul(params.get("head.weight")).add(params.get("head.bias"));
  }

  /** The reference's AttentionPoolingBlock on {@code x [B, T, C]}: {@code [B, C]}. */
  private NDArray pool(NDArray x, NDManager batch) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int c = inputDim;
    int h = poolingHeads;
    int hd = c / h;
    NDArray query = x.mean(new int[] {1}, true);
    NDArray q = layerNorm(query, "norm1_q", batch);
    NDArray k = layerNorm(x, "norm1_k", batch);
    NDArray v = layerNorm(x, "norm1_v", batch);
    q =
        q.matMul(params.get(POOL + "cross_attn.q.weight"))
            .add(params.get(POOL + "cross_attn.q_bias"))
            .reshape(b, 1, h, hd)
            .transpose(0, 2, 1, 3);
    k =
        k.matMul(params.get(POOL + "cross_attn.k.weight"))
            .add(params.get(POOL + "cross_attn.k_bias"))
            .reshape(b, t, h, hd)
            .transpose(0, 2, 1, 3);
    v =
        v.matMul(params.get(POOL + "cross_attn.v.weight"))
            .add(params.get(POOL + "cross_attn.v_bias"))
            .reshape(b, t, h, hd)
            .transpose(0, 2, 1, 3);
    q = q.mul(batch.create((float) Math.pow(hd, -0.5)));
    NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
    NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, 1, c);
    out =
        out.matMul(params.get(POOL + "cross_attn.proj.weight"))
            .add(params.get(POOL + "cross_attn.proj.bias"));
    return out.reshape(b, c);
  }

  private NDArray layerNorm(NDArray x, String name, NDManager batch) {
    NDArray mean = x.mean(new int[] {-1}, true);
    NDArray centred = x.sub(mean);
    NDArray var = centred.square().mean(new int[] {-1}, true);
    NDArray normalized = centred.div(var.add(batch.create(LN_EPS)).sqrt());
    return normalized
        .mul(params.get(POOL + name + ".weight"))
        .add(params.get(POOL + name + ".bias"));
  }

  private static float[] flatten(float[][] rows, int width) {
    float[] flat = new float[Math.multiplyExact(rows.length, width)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows[i].length + " values, expected " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }

  private static float[][] rows(NDArray a, int width) {
    float[] values = a.toFloatArray();
    float[][] out = new float[values.length / width][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
    }
    return out;
  }

  /** The arrays the head's manager holds, for leak checks. */
  int managedArrays() {
    return manager.getManagedArrays().size();
  }

  /** The names of the trained parameters, in order. */
  public List<String> parameterNames() {
    return new ArrayList<>(params.keySet());
  }

  @Override
  public void close() {
    manager.close();
  }
}
