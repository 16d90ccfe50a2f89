package io.vleval.model.internvl.vision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.vleval.api.djl.DropPath;
import io.vleval.api.djl.DropPathMasks;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.TensorInfo;
import io.vleval.model.internvl.safetensors.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * InternViT, the InternVL vision encoder, as a DJL block that owns its parameters.
 *
 * <p>Recipe:
 *
 * <ol>
 *   <li>Build it with {@link #load(Path, Device)} (a checkpoint directory: {@code config.json} plus
 *       {@code model.safetensors} or a sharded index), {@link #fromTensors} (a config and any
 *       tensor source, e.g. the {@code vision_model.} part of a composite checkpoint) or {@link
 *       #random(InternVitConfig, long)}.
 *   <li>Per batch, open a sub-manager in try-with-resources, create the normalized pixels {@code
 *       [B, 3, H, W]} (float32) in it and call {@link #forward(NDArray)}; every array of the pass
 *       belongs to that manager and is released when it closes. Any H, W that the patch size
 *       divides work; the position embedding is resized bicubically as the reference does.
 *   <li>Or, with no NDArrays at hand, call {@link #forward(float[][], int, int)}.
 *   <li>Close the model to release its weights.
 * </ol>
 *
 * <p>As a {@link ai.djl.nn.Block} its output list is {@code (last_hidden_state [B, 1+hw, C], pooled
 * [B, C], dense [B, C, h, w])}; DJL trainers can train it (dropout and drop path act when {@code
 * training} is true).
 */
public final class InternVit extends AbstractBlock implements AutoCloseable {

  private static final byte VERSION = 1;

  private final InternVitConfig config;
  private final DataType dtype;
  private final NDManager manager;
  private final VisionEmbeddings embeddings;
  private final List<EncoderLayer> layers;
  private final Map<String, Parameter> byKey;

  private InternVit(InternVitConfig config, Device device, DataType dtype) {
    super(VERSION);
    this.config = config;
    this.dtype = Precision.check(dtype);
    this.manager = NDManager.newBaseManager(device, "PyTorch");
    manager.setName("internvit");
    embeddings = addChildBlock("embeddings", new VisionEmbeddings(config));
    List<EncoderLayer> list = new ArrayList<>();
    Map<String, Parameter> keys = new LinkedHashMap<>();
    embeddings.named().forEach((k, p) -> keys.put("embeddings." + k, p));
    int depth = config.numHiddenLayers();
    for (int i = 0; i < depth; i++) {
      // stochastic depth rises linearly from 0 to drop_path_rate, as torch.linspace does
      float rate = new DropPath(config.dropPathRate(), DropPathMasks.KEEP_ALL).blockRate(i, depth);
      EncoderLayer layer = addChildBlock("layer" + i, new EncoderLayer(config, rate));
      String prefix = "encoder.layers." + i + ".";
      layer.named().forEach((k, p) -> keys.put(prefix + k, p));
      list.add(layer);
    }
    layers = Collections.unmodifiableList(list);
    byKey = Collections.unmodifiableMap(keys);
  }

  // ------------------------------------------------------------------ factories

  /**
   * Builds a randomly initialized model on the CPU; see {@link #random(InternVitConfig, long,
   * Device)}.
   *
   * @param config the architecture
   * @param seed the seed; the same seed gives the same weights on every platform
   * @return the model
   */
  public static InternVit random(InternVitConfig config, long seed) {
    return random(config, seed, Device.cpu());
  }

  /**
   * Builds a randomly initialized model: linear and convolution weights and the class and position
   * embeddings N(0, {@code initializer_range}), biases and norm biases 0, norm weights 1, layer
   * scales {@code initializer_factor}. Values come from a {@link SplittableRandom} in
   * parameter-table order.
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @return the model
   */
  public static InternVit random(InternVitConfig config, long seed, Device device) {
    return random(config, seed, device, DataType.FLOAT32);
  }

  /**
   * Builds a randomly initialized model (as {@link #random(InternVitConfig, long, Device)}) that
   * computes in {@code dtype}: the float32 values are drawn first and then cast.
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVit random(InternVitConfig config, long seed, Device device, DataType dtype) {
    InternVit vit = new InternVit(config, device, dtype);
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, long[]> shapes = config.parameterShapes();
    try {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        String key = e.getKey();
        float[] values =
            new float[Math.toIntExact(Arrays.stream(e.getValue()).reduce(1, Math::multiplyExact))];
        if (key.endsWith(".ls1") || key.endsWith(".ls2")) {
          Arrays.fill(values, (float) config.initializerFactor());
        } else if (key.contains("norm") && key.endsWith(".weight")) {
          Arrays.fill(values, 1f);
        } else if (key.endsWith(".weight") || key.endsWith("_embedding")) {
          double std = config.initializerRange();
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rng.nextGaussian() * std);
          }
        } // biases stay 0
        vit.set(key, e.getValue(), values);
      }
    } catch (RuntimeException ex) {
      vit.close();
      throw ex;
    }
    return vit;
  }

  private void set(String key, long[] shape, float[] values) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray owned = scratch.create(values, new Shape(shape)).duplicate();
      owned.attach(manager);
      byKey.get(key).setArray(Precision.castWeight(owned, dtype, key));
    }
  }

  /**
   * Loads a HuggingFace-layout checkpoint: {@code config.json} (a stand-alone InternViT config or a
   * composite one with {@code vision_config}) and its safetensors weights. The key layout (HF or
   * timm-style) and prefix (e.g. {@code vision_model.}) are detected from the class-token key.
   *
   * @param checkpointDir the directory
   * @param device where the weights live
   * @return the model
   * @throws io.vleval.model.internvl.config.InternVitConfigException for an invalid config
   * @throws io.vleval.model.internvl.safetensors.SafetensorsException for unreadable weights
   * @throws CheckpointMismatchException for missing, unexpected or mis-shaped tensors
   */
  public static InternVit load(Path checkpointDir, Device device) {
    return load(checkpointDir, device, DataType.FLOAT32);
  }

  /**
   * Loads a checkpoint (as {@link #load(Path, Device)}) to compute in {@code dtype}: every tensor
   * is decoded to float32 and then cast, one tensor at a time.
   *
   * @param checkpointDir the directory
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   * @throws IllegalArgumentException when a weight does not fit float16's range
   */
  public static InternVit load(Path checkpointDir, Device device, DataType dtype) {
    InternVitConfig config = InternVitConfig.fromJson(checkpointDir.resolve("config.json"));
    try (SafetensorsCheckpoint weights = SafetensorsCheckpoint.open(checkpointDir)) {
      return fromTensors(config, weights, null, device, dtype);
    }
  }

  /**
   * Builds a model from a configuration and named tensors. Keys are mapped from the HF layout
   * ({@code embeddings.*}, {@code encoder.layers.N.*}) or the timm-style layout ({@code cls_token},
   * {@code pos_embed}, {@code patch_embed.proj.*}, {@code blocks.N.*}, {@code ls1.gamma}); with a
   * prefix, keys outside it belong to other components and are skipped. Every problem is collected
   * and reported at once before any weight is copied.
   *
   * @param config the architecture
   * @param tensors the tensors
   * @param prefix the key prefix of the vision tower (e.g. {@code "vision_model."}, {@code ""}), or
   *     null to detect it
   * @param device where the weights live
   * @return the model
   * @throws CheckpointMismatchException listing every missing, unexpected and mis-shaped key
   */
  public static InternVit fromTensors(
      InternVitConfig config, TensorSource tensors, String prefix, Device device) {
    return fromTensors(config, tensors, prefix, device, DataType.FLOAT32);
  }

  /**
   * As {@link #fromTensors(InternVitConfig, TensorSource, String, Device)}, computing in {@code
   * dtype}.
   *
   * @param config the architecture
   * @param tensors the tensors
   * @param prefix the key prefix of the vision tower, or null to detect it
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVit fromTensors(
      InternVitConfig config, TensorSource tensors, String prefix, Device device, DataType dtype) {
    String source =
        tensors.keys().isEmpty()
            ? "checkpoint"
            : tensors.fileOf(tensors.keys().iterator().next()).toString();
    Plan plan = plan(config, tensors, prefix, source);
    plan.mismatch()
        .throwIfAny(
            source,
            "the InternViT config (" + config.parameterShapes().size() + " tensors expected)");
    Map<String, String> sourceKey = plan.sourceKey();
    InternVit vit = new InternVit(config, device, dtype);
    try {
      for (Map.Entry<String, String> e : sourceKey.entrySet()) {
        NDArray decoded = tensors.toNDArray(e.getValue(), vit.manager);
        vit.byKey.get(e.getKey()).setArray(Precision.castWeight(decoded, dtype, e.getValue()));
      }
    } catch (RuntimeException ex) {
      vit.close();
      throw ex;
    }
    return vit;
  }

  /** Which checkpoint key feeds each canonical parameter, and what does not fit. */
  private record Plan(Map<String, String> sourceKey, TensorMismatch mismatch) {}

  /**
   * Compares the vision tower under {@code prefix} with {@code config}, loading nothing, so that a
   * composite model can report its tower's differences together with its other components'.
   *
   * @param config the architecture
   * @param tensors the tensors
   * @param prefix the key prefix of the vision tower (e.g. {@code "vision_model."})
   * @return the missing, unexpected and mis-shaped keys of the tower
   */
  public static TensorMismatch check(InternVitConfig config, TensorSource tensors, String prefix) {
    return plan(config, tensors, prefix, "checkpoint").mismatch();
  }

  private static Plan plan(
      InternVitConfig config, TensorSource tensors, String prefix, String source) {
    CheckpointLayout layout;
    if (prefix == null) {
      CheckpointLayout.Detected d = CheckpointLayout.detect(tensors.keys(), source);
      layout = d.layout();
      prefix = d.prefix();
    } else {
      String p = prefix;
      layout =
          tensors.keys().contains(p + "cls_token")
                  || tensors.keys().stream().anyMatch(k -> k.startsWith(p + "blocks."))
              ? CheckpointLayout.TIMM
              : CheckpointLayout.HF;
    }
    Map<String, long[]> expected = config.parameterShapes();
    Map<String, String> sourceKey = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    for (String key : tensors.keys()) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      String rest = key.substring(prefix.length());
      if (prefix.isEmpty() && layout.isOtherTower(rest)) {
        continue;
      }
      String canonical = layout.toCanonical(rest);
      long[] want = expected.get(canonical);
      if (want == null || sourceKey.containsKey(canonical)) {
        unexpected.add(key);
        continue;
      }
      sourceKey.put(canonical, key);
      TensorInfo info = tensors.info(key);
      if (!Arrays.equals(info.shape(), want) || !info.dtype().isFloatingPoint()) {
        misShaped.add(
            key
                + ": found "
                + info.dtype()
                + Arrays.toString(info.shape())
                + ", expected float "
                + Arrays.toString(want));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String k : expected.keySet()) {
      if (!sourceKey.containsKey(k)) {
        missing.add(prefix + (layout == CheckpointLayout.HF ? k : timmName(k)));
      }
    }
    return new Plan(sourceKey, new TensorMismatch(missing, unexpected, misShaped));
  }

  private static String timmName(String canonical) {
    return switch (canonical) {
      case "embeddings.class_embedding" -> "cls_token";
      case "embeddings.position_embedding" -> "pos_embed";
      case "embeddings.patch_embedding.weight" -> "patch_embed.proj.weight";
      case "embeddings.patch_embedding.bias" -> "patch_embed.proj.bias";
      default -> {
        String s = canonical.replaceFirst("^encoder\\.layers\\.", "blocks.");
        yield s.endsWith(".ls1") || s.endsWith(".ls2") ? s + ".gamma" : s;
      }
    };
  }

  // ------------------------------------------------------------------ forward

  /**
   * Runs the model on one batch (inference).
   *
   * @param pixels normalized pixels {@code [B, C, H, W]}, cast to the compute type; the outputs, in
   *     the compute type, belong to its manager
   * @return last hidden state, pooled CLS and dense patch features
   */
  public VisionOutput forward(NDArray pixels) {
    return forward(pixels, false);
  }

  /**
   * Runs the model on one batch (inference), optionally keeping every block's output.
   *
   * @param pixels normalized pixels {@code [B, C, H, W]}, cast to the compute type; the outputs, in
   *     the compute type, belong to its manager
   * @param outputHiddenStates whether to return the embedding output and every block's output
   * @return the outputs
   */
  public VisionOutput forward(NDArray pixels, boolean outputHiddenStates) {
    return run(new ParameterStore(pixels.getManager(), false), pixels, false, outputHiddenStates);
  }

  /**
   * Runs the blocks up to the last requested one (inference) and returns the requested blocks'
   * outputs, before any final norm: the features the reference's linear probe and segmentation
   * heads read. Later blocks are not run.
   *
   * @param pixels normalized pixels {@code [B, C, H, W]}; the outputs belong to its manager
   * @param blocks 0-based block indices, each in {@code [0, num_hidden_layers)}
   * @return per requested block, in the order asked, {@code [B, 1 + h*w, C]} (CLS token first)
   */
  public List<NDArray> blockOutputs(NDArray pixels, int... blocks) {
    return blockOutputs(
        new ParameterStore(pixels.getManager(), false), pixels, blocks, false, DropPath.NONE);
  }

  /**
   * Runs the blocks up to the last requested one, for inference or training, and returns the
   * requested blocks' outputs before any final norm. In a training pass drop path follows {@code
   * dropPath}: block {@code i} drops each residual branch of a sample with probability {@code
   * dropPath.blockRate(i, depth)}, as the masks say (asked for every block with a non-zero rate, in
   * order, the attention branch first); blocks with rate 0 have none, so a zero rate gives exactly
   * the inference pass. Under a gradient collector the outputs are differentiable with respect to
   * the weights and the pixels.
   *
   * @param ps the store the weights are read through
   * @param pixels normalized pixels {@code [B, C, H, W]}; the outputs belong to its manager
   * @param blocks 0-based block indices, each in {@code [0, num_hidden_layers)}
   * @param training whether this is a training pass (drop path, dropout)
   * @param dropPath the stochastic depth of a training pass; ignored for inference
   * @return per requested block, in the order asked, {@code [B, 1 + h*w, C]} (CLS token first), in
   *     the compute type
   */
  public List<NDArray> blockOutputs(
      ParameterStore ps, NDArray pixels, int[] blocks, boolean training, DropPath dropPath) {
    int last = -1;
    for (int b : blocks) {
      if (b < 0 || b >= layers.size()) {
        throw new IllegalArgumentException(
            "block " + b + " is outside 0.." + (layers.size() - 1) + " of this InternViT");
      }
      last = Math.max(last, b);
    }
    NDArray x = embeddings.embed(ps, inputPixels(pixels), training);
    NDArray[] outputs = new NDArray[layers.size()];
    int depth = layers.size();
    for (int i = 0; i <= last; i++) {
      float rate = training ? dropPath.blockRate(i, depth) : 0f;
      EncoderLayer.BranchMask mask = rate > 0 ? masks(dropPath.masks(), i, rate) : null;
      x = layers.get(i).apply(ps, x, training, mask);
      outputs[i] = x;
    }
    List<NDArray> out = new ArrayList<>(blocks.length);
    for (int b : blocks) {
      out.add(outputs[b]);
    }
    return out;
  }

  /**
   * Per-sample factors from the caller's masks: 0 for a dropped sample, {@code 1 / keep} in float32
   * for a kept one (timm divides its Bernoulli draws by {@code keep_prob} in the branch's type).
   */
  private static EncoderLayer.BranchMask masks(DropPathMasks masks, int block, float rate) {
    double keep = 1.0 - rate; // timm: keep_prob = 1 - drop_prob, in double
    float scale = keep > 0 ? 1f / (float) keep : 0f;
    return (branch, which) -> {
      int n = Math.toIntExact(branch.getShape().get(0));
      boolean[] kept = masks.keep(block, which, n, keep);
      if (kept.length != n) {
        throw new IllegalStateException(
            "drop path masks gave " + kept.length + " decisions for a batch of " + n);
      }
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = kept[i] ? scale : 0f;
      }
      NDArray factors = branch.getManager().create(values, new Shape(n, 1, 1));
      factors = Precision.cast(factors, branch.getDataType());
      return factors.getDevice().equals(branch.getDevice())
          ? factors
          : factors.toDevice(branch.getDevice(), false);
    };
  }

  /**
   * Runs the model on already-preprocessed pixels held in Java arrays; all native memory of the
   * pass is released before returning.
   *
   * @param pixels per sample, {@code [C * H * W]} channel-major (C, row, column)
   * @param height H in pixels
   * @param width W in pixels
   * @return the outputs as Java arrays
   */
  public VisionArrays forward(float[][] pixels, int height, int width) {
    int per = config.numChannels() * height * width;
    float[] flat = new float[Math.multiplyExact(pixels.length, per)];
    for (int i = 0; i < pixels.length; i++) {
      if (pixels[i].length != per) {
        throw new IllegalArgumentException(
            "sample "
                + i
                + " has "
                + pixels[i].length
                + " values, expected "
                + config.numChannels()
                + "x"
                + height
                + "x"
                + width
                + " = "
                + per);
      }
      System.arraycopy(pixels[i], 0, flat, i * per, per);
    }
    try (NDManager batch = manager.newSubManager()) {
      NDArray x = batch.create(flat, new Shape(pixels.length, config.numChannels(), height, width));
      VisionOutput out = forward(x);
      Shape s = out.lastHiddenState().getShape();
      int tokens = (int) s.get(1);
      int c = config.hiddenSize();
      float[] last = Precision.toFloat32(out.lastHiddenState()).toFloatArray();
      float[][] lastPer = new float[pixels.length][];
      float[][] pooled = new float[pixels.length][];
      for (int i = 0; i < pixels.length; i++) {
        lastPer[i] = Arrays.copyOfRange(last, i * tokens * c, (i + 1) * tokens * c);
        pooled[i] = Arrays.copyOfRange(lastPer[i], 0, c);
      }
      return new VisionArrays(
          c, height / config.patchSize(), width / config.patchSize(), lastPer, pooled);
    }
  }

  /**
   * Returns the position embedding the model adds for a given patch grid, {@code [1, 1 + h*w, C]}
   * (CLS row first, grid bicubically resized when it differs from the pre-training grid).
   *
   * @param gridHeight h
   * @param gridWidth w
   * @param target the manager that will own the result
   * @return a new array owned by {@code target}
   */
  public NDArray positionEmbedding(int gridHeight, int gridWidth, NDManager target) {
    NDArray like = target.zeros(new Shape(1), DataType.FLOAT32, manager.getDevice());
    NDArray pos =
        embeddings.position(
            new ParameterStore(target, false), like, false, gridHeight, gridWidth, target);
    return pos.getManager() == target ? pos : Params.own(pos.duplicate(), target);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return run(ps, inputs.head(), training, false).toNDList();
  }

  private VisionOutput run(
      ParameterStore ps, NDArray pixels, boolean training, boolean keepHidden) {
    Shape in = pixels.getShape();
    NDArray x = embeddings.embed(ps, inputPixels(pixels), training);
    List<NDArray> hidden = keepHidden ? new ArrayList<>() : List.of();
    if (keepHidden) {
      hidden.add(x);
    }
    for (EncoderLayer layer : layers) {
      x = layer.apply(ps, x, training);
      if (keepHidden) {
        hidden.add(x);
      }
    }
    long b = in.get(0);
    long h = in.get(2) / config.patchSize();
    long w = in.get(3) / config.patchSize();
    NDArray pooled = x.get(":, 0, :");
    NDArray dense = x.get(":, 1:, :").transpose(0, 2, 1).reshape(b, config.hiddenSize(), h, w);
    return new VisionOutput(x, pooled, dense, hidden);
  }

  /** Checks the pixels' shape and brings them to the compute type and the model's device. */
  private NDArray inputPixels(NDArray pixels) {
    Shape in = pixels.getShape();
    if (in.dimension() != 4 || in.get(1) != config.numChannels()) {
      throw new IllegalArgumentException(
          "pixels must be [B, " + config.numChannels() + ", H, W], got " + in);
    }
    if (in.get(2) < config.patchSize() || in.get(3) < config.patchSize()) {
      throw new IllegalArgumentException(
          "pixels " + in + " are smaller than one " + config.patchSize() + "-pixel patch");
    }
    NDArray x = Precision.cast(pixels, dtype);
    if (!x.getDevice().equals(manager.getDevice())) {
      x = x.toDevice(manager.getDevice(), false);
    }
    return x;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long b = in.get(0);
    long h = in.get(2) / config.patchSize();
    long w = in.get(3) / config.patchSize();
    long c = config.hiddenSize();
    return new Shape[] {new Shape(b, 1 + h * w, c), new Shape(b, c), new Shape(b, c, h, w)};
  }

  @Override
  protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... inputShapes) {
    embeddings.initialize(m, dataType, inputShapes);
    Shape tokens = embeddings.getOutputShapes(inputShapes)[0];
    for (EncoderLayer layer : layers) {
      layer.initialize(m, dataType, tokens);
    }
  }

  /**
   * The floating-point operations of the matrix products of one image's forward at {@code height x
   * width} pixels, a multiply-add counted as two (the convention of {@code 2 n^3} for an {@code n x
   * n} product, so that the figure can be divided by a measured GFLOP/s): the patch convolution,
   * then per layer the qkv, {@code q k^T}, {@code attn v}, proj, fc1 and fc2 products. Norms,
   * softmax, GELU and additions are not counted. ViT-B/16 at 224 px gives 35.1 GFLOP, i.e. 17.6 G
   * multiply-adds, the figure usually quoted for it as "17.6 GFLOPs".
   *
   * @param config the architecture
   * @param height the input height in pixels, a multiple of the patch size
   * @param width the input width in pixels, a multiple of the patch size
   * @return FLOP per image
   */
  public static double forwardFlops(InternVitConfig config, int height, int width) {
    double p = config.patchSize();
    double grid = Math.floor(height / p) * Math.floor(width / p);
    double n = grid + 1;
    double c = config.hiddenSize();
    double mlp = config.intermediateSize();
    double patchEmbed = 2 * grid * (config.numChannels() * p * p) * c;
    double qkv = 2 * n * c * 3 * c;
    double attention = 2 * (2 * n * n * c); // q k^T and attn v over all heads
    double proj = 2 * n * c * c;
    double mlps = 2 * (2 * n * c * mlp);
    return patchEmbed + config.numHiddenLayers() * (qkv + attention + proj + mlps);
  }

  // ------------------------------------------------------------------ accessors

  /**
   * Returns the architecture.
   *
   * @return the configuration
   */
  public InternVitConfig config() {
    return config;
  }

  /**
   * Returns the compute type: the weights' type, which inputs are cast to and outputs come in.
   *
   * @return float32 or float16
   */
  public DataType dtype() {
    return dtype;
  }

  /**
   * Returns where the weights live.
   *
   * @return the device
   */
  public Device device() {
    return manager.getDevice();
  }

  /**
   * Returns the weights by canonical HF key (no prefix), in checkpoint order. The arrays belong to
   * the model; do not close them.
   *
   * @return key → weight
   */
  public Map<String, NDArray> weights() {
    Map<String, NDArray> m = new LinkedHashMap<>();
    byKey.forEach((k, p) -> m.put(k, p.getArray()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns the parameters by canonical HF key (no prefix), in checkpoint order.
   *
   * @return key → parameter, owned by the model
   */
  public Map<String, Parameter> namedParameters() {
    return byKey;
  }

  /**
   * Makes an independent float32 copy for training at {@code imageSize x imageSize} pixels, on this
   * model's device: the position embedding is resized once to that grid (bicubic, CLS row kept, as
   * the reference's segmentation backbone resizes a checkpoint's table when it loads it) and the
   * resized table is the copy's parameter; every other weight is copied as it is. Every array
   * requires a gradient. This model is left untouched.
   *
   * @param imageSize the input side, a positive multiple of the patch size
   * @return the copy, owned by the caller
   * @throws IllegalArgumentException for a side that the patch size does not divide
   */
  public InternVit trainableCopy(int imageSize) {
    if (imageSize < config.patchSize() || imageSize % config.patchSize() != 0) {
      throw new IllegalArgumentException(
          "input side "
              + imageSize
              + " is not a positive multiple of the "
              + config.patchSize()
              + " px patch");
    }
    InternVitConfig resized = config.toBuilder().imageSize(imageSize).build();
    InternVit copy = new InternVit(resized, device(), DataType.FLOAT32);
    try {
      int grid = resized.gridSize();
      for (Map.Entry<String, Parameter> e : byKey.entrySet()) {
        try (NDManager scratch = manager.newSubManager()) {
          NDArray source =
              e.getKey().equals("embeddings.position_embedding")
                  ? positionEmbedding(grid, grid, scratch)
                  : e.getValue().getArray();
          // a new array either way: DJL's toType(same type, copy=true) returns a view of the source
          NDArray value =
              source.getDataType() == DataType.FLOAT32
                  ? source.duplicate()
                  : source.toType(DataType.FLOAT32, false);
          value.attach(copy.manager);
          value.setRequiresGradient(true);
          copy.byKey.get(e.getKey()).setArray(value);
        }
      }
    } catch (RuntimeException ex) {
      copy.close();
      throw ex;
    }
    return copy;
  }

  /**
   * Returns the manager that owns the weights, for batch sub-managers and leak checks.
   *
   * @return the model's manager
   */
  public NDManager manager() {
    return manager;
  }

  /** Releases the weights. */
  @Override
  public void close() {
    manager.close();
  }
}
