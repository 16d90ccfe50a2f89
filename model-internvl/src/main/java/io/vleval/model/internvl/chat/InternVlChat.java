package io.vleval.model.internvl.chat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import io.vleval.model.internvl.checkpoint.Weights;
import io.vleval.model.internvl.llm.Decoder;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.model.internvl.vision.TensorMismatch;
import io.vleval.model.internvl.vision.VisionOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * InternVL-Chat (INTERNVL.md §4.2): InternViT → drop CLS → pixel shuffle → {@code mlp1} (LayerNorm
 * eps 1e-5, Linear, erf GELU, Linear) → image tokens that replace the {@code <IMG_CONTEXT>}
 * embeddings of the prompt → the LLM.
 *
 * <p>Recipe: per batch, open a sub-manager of {@link #manager()}; {@link #extractFeature} the
 * tiles; {@link #inputEmbeddings} of the prompt ids; then {@link #logits} or a {@link #decoding}
 * state for {@link io.vleval.model.internvl.generation.Generator}.
 */
public final class InternVlChat implements AutoCloseable {

  private final ChatConfig config;
  private final NDManager manager;
  private final InternVit vit;
  private final Decoder llm;
  private final Weights mlp1;

  private InternVlChat(
      ChatConfig config, NDManager manager, InternVit vit, Decoder llm, Weights mlp1) {
    this.config = config;
    this.manager = manager;
    this.vit = vit;
    this.llm = llm;
    this.mlp1 = mlp1;
  }

  private static Map<String, long[]> mlpShapes(ChatConfig c) {
    long in = (long) c.vision().hiddenSize() * 4;
    long h = c.llm().hiddenSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("0.weight", new long[] {in});
    m.put("0.bias", new long[] {in});
    m.put("1.weight", new long[] {h, in});
    m.put("1.bias", new long[] {h});
    m.put("3.weight", new long[] {h, h});
    m.put("3.bias", new long[] {h});
    return m;
  }

  /**
   * Loads a checkpoint directory.
   *
   * @param dir the directory ({@code config.json} + safetensors)
   * @param device where the weights live
   * @return the model
   */
  public static InternVlChat load(Path dir, Device device) {
    return load(dir, device, DataType.FLOAT32);
  }

  /**
   * Loads a checkpoint directory to compute in {@code dtype}.
   *
   * @param dir the directory ({@code config.json} + safetensors)
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlChat load(Path dir, Device device, DataType dtype) {
    ChatConfig config = ChatConfig.fromJson(dir.resolve("config.json"));
    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      return fromTensors(config, tensors, device, dtype);
    }
  }

  /**
   * Builds the model from tensors with the reference key names ({@code vision_model.*}, {@code
   * mlp1.{0,1,3}.*}, {@code language_model.*}); other keys are refused.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param device where the weights live
   * @return the model
   */
  public static InternVlChat fromTensors(ChatConfig config, TensorSource tensors, Device device) {
    return fromTensors(config, tensors, device, DataType.FLOAT32);
  }

  /**
   * As {@link #fromTensors(ChatConfig, TensorSource, Device)}, computing in {@code dtype}.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlChat fromTensors(
      ChatConfig config, TensorSource tensors, Device device, DataType dtype) {
    List<String> stray = new ArrayList<>();
    for (String k : tensors.keys()) {
      if (!(k.startsWith("vision_model.")
          || k.startsWith("mlp1.")
          || k.startsWith("language_model."))) {
        stray.add(k);
      }
    }
    // every component's differences at once, before any weight is copied
    int visionCount = config.vision().parameterShapes().size();
    int mlpCount = mlpShapes(config).size();
    int llmCount = config.llm().parameterShapes().size();
    TensorMismatch.unexpected(stray)
        .plus(InternVit.check(config.vision(), tensors, "vision_model."))
        .plus(Weights.check(tensors, "mlp1.", mlpShapes(config), k -> false))
        .plus(Decoder.check(config.llm(), tensors, "language_model."))
        .throwIfAny(
            TensorMismatch.describe(tensors),
            "the InternVL-Chat architecture of its config.json, which expects "
                + (visionCount + mlpCount + llmCount)
                + " tensors: "
                + visionCount
                + " under vision_model. (InternViT, "
                + config.vision().numHiddenLayers()
                + " layers), "
                + mlpCount
                + " under mlp1., "
                + llmCount
                + " under language_model. ("
                + config.llm().family().name().toLowerCase(Locale.ROOT)
                + ", "
                + config.llm().numHiddenLayers()
                + " layers)");
    InternVit vit = InternVit.fromTensors(config.vision(), tensors, "vision_model.", device, dtype);
    NDManager m = NDManager.newBaseManager(device, "PyTorch");
    try {
      Weights mlp =
          Weights.load(tensors, "mlp1.", mlpShapes(config), k -> false, "the mlp1 projector", m);
      Decoder llm = Decoder.load(config.llm(), tensors, "language_model.", m);
      mlp.cast(dtype, Set.of());
      llm.cast(dtype);
      return new InternVlChat(config, m, vit, llm, mlp);
    } catch (RuntimeException e) {
      m.close();
      vit.close();
      throw e;
    }
  }

  /**
   * Builds a model with seeded random weights (presets, benchmarks).
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @return the model
   */
  public static InternVlChat random(ChatConfig config, long seed, Device device) {
    return random(config, seed, device, DataType.FLOAT32);
  }

  /**
   * Builds a model with seeded random weights (the float32 values of {@link #random(ChatConfig,
   * long, Device)}) that computes in {@code dtype}.
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlChat random(ChatConfig config, long seed, Device device, DataType dtype) {
    InternVit vit = InternVit.random(config.vision(), seed, device, dtype);
    NDManager m = NDManager.newBaseManager(device, "PyTorch");
    Weights mlp = Weights.random(mlpShapes(config), seed + 1, 0.02, m);
    // mlp1.0 is a LayerNorm: gain 1 (as torch initializes it). Weights.random only recognizes gains
    // by a
    // "norm" in the key, so it drew this one N(0, 0.02), which shrank the image tokens ~40x below
    // the text
    // embeddings and the gradient reaching mlp1 alike (README, "Stage 3").
    mlp.get("0.weight").muli(0).addi(1f);
    Decoder llm = Decoder.random(config.llm(), seed + 2, m);
    mlp.cast(dtype, Set.of());
    llm.cast(dtype);
    return new InternVlChat(config, m, vit, llm, mlp);
  }

  /**
   * @return the architecture
   */
  public ChatConfig config() {
    return config;
  }

  /**
   * @return the language model
   */
  public Decoder llm() {
    return llm;
  }

  /**
   * @return the vision tower
   */
  public InternVit vit() {
    return vit;
  }

  /**
   * The {@code mlp1} projector's weights by key without the prefix ({@code 0.weight} ... {@code
   * 3.bias}); training updates them in place.
   *
   * @return key → weight (owned by the model; do not close)
   */
  public Map<String, NDArray> projectorWeights() {
    return mlp1.asMap();
  }

  /**
   * @return the manager to open batch sub-managers from
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * The vision hidden state at {@code select_layer}.
   *
   * @param pixels normalized tiles {@code [T, 3, S, S]}
   * @return {@code [T, 1 + hw, width]}
   */
  public NDArray selectedHiddenState(NDArray pixels) {
    int select = config.selectLayer();
    if (select == -1) {
      return vit.forward(pixels).lastHiddenState();
    }
    VisionOutput out = vit.forward(pixels, true);
    List<NDArray> hidden = out.hiddenStates();
    return hidden.get(select < 0 ? hidden.size() + select : select);
  }

  /**
   * Drops CLS and applies the reference {@code pixel_shuffle(0.5)}, flattened to tokens.
   *
   * @param selected {@link #selectedHiddenState} output {@code [T, 1 + hw, C]}
   * @return {@code [T, hw / 4, 4C]}
   */
  public NDArray pixelShuffle(NDArray selected) {
    long t = selected.getShape().get(0);
    long n = selected.getShape().get(1) - 1;
    long c = selected.getShape().get(2);
    long side = Math.round(Math.sqrt(n));
    NDArray x = selected.get(":, 1:, :").reshape(t, side, side, c);
    // n, w, h, c = x.size(); view(n, w, h/2, 2c); permute(0, 2, 1, 3); view(n, h/2, w/2, 4c)
    x =
        x.reshape(t, side, side / 2, c * 2)
            .transpose(0, 2, 1, 3)
            .reshape(t, side / 2, side / 2, c * 4);
    if (!config.psVersion().equals("v1")) {
      x = x.transpose(0, 2, 1, 3);
    }
    return x.reshape(t, -1, c * 4);
  }

  /**
   * The projected image tokens ({@code extract_feature}).
   *
   * @param pixels normalized tiles {@code [T, 3, S, S]}
   * @return {@code [T, num_image_token, hidden]}
   */
  public NDArray extractFeature(NDArray pixels) {
    return project(pixelShuffle(selectedHiddenState(pixels)));
  }

  /**
   * {@code mlp1}: LayerNorm(4C, eps 1e-5) → Linear → GELU → Linear.
   *
   * @param shuffled {@link #pixelShuffle} output
   * @return the image tokens
   */
  public NDArray project(NDArray shuffled) {
    long in = shuffled.getShape().get(2);
    NDArray x =
        LayerNorm.layerNorm(
                shuffled, new Shape(in), mlp1.get("0.weight"), mlp1.get("0.bias"), 1e-5f)
            .singletonOrThrow();
    x = Activation.gelu(FusedLinear.apply(x, mlp1.get("1.weight"), mlp1.get("1.bias")));
    return FusedLinear.apply(x, mlp1.get("3.weight"), mlp1.get("3.bias"));
  }

  /**
   * Token embeddings with every {@code <IMG_CONTEXT>} position replaced, in order, by the image
   * tokens (tiles flattened tile-major).
   *
   * @param ids prompt ids {@code [L]} of one sample
   * @param imageTokens {@link #extractFeature} output, or null when the prompt has no image
   * @param contextTokenId the id of {@code <IMG_CONTEXT>}
   * @return {@code [1, L, hidden]} in the manager of {@code imageTokens} (else a new array of
   *     {@code batch})
   * @param batch the manager for the result when there is no image
   */
  public NDArray inputEmbeddings(
      long[] ids, NDArray imageTokens, long contextTokenId, NDManager batch) {
    NDManager owner = imageTokens == null ? batch : imageTokens.getManager();
    NDArray text = llm.embed(new long[][] {ids}, owner).reshape(ids.length, -1);
    int slots = 0;
    for (long id : ids) {
      slots += id == contextTokenId ? 1 : 0;
    }
    long available =
        imageTokens == null ? 0 : imageTokens.getShape().get(0) * imageTokens.getShape().get(1);
    if (slots != available) {
      throw new IllegalArgumentException(
          "the prompt has "
              + slots
              + " <IMG_CONTEXT> tokens but the image gives "
              + available
              + " image tokens");
    }
    if (slots == 0) {
      return text.reshape(1, ids.length, -1);
    }
    NDArray image = imageTokens.reshape(available, -1);
    NDArray table = NDArrays.concat(new NDList(text, image), 0);
    long[] pick = new long[ids.length];
    int next = 0;
    for (int i = 0; i < ids.length; i++) {
      pick[i] = ids[i] == contextTokenId ? ids.length + next++ : i;
    }
    NDArray index = owner.create(pick).toDevice(table.getDevice(), false);
    return table.get(new NDIndex("{}", index)).reshape(1, ids.length, -1);
  }

  /**
   * The LLM's logits for every position, with a causal mask and positions {@code 0..L-1}.
   *
   * @param embeddings {@code [1, L, hidden]}
   * @return {@code [1, L, vocab]}
   */
  public NDArray logits(NDArray embeddings) {
    int l = (int) embeddings.getShape().get(1);
    long[][] pos = new long[1][l];
    for (int i = 0; i < l; i++) {
      pos[0][i] = i;
    }
    return llm.logits(
        llm.forward(embeddings, pos, Decoder.causalMask(1, l, 0, null, 0), null, null));
  }

  /**
   * A decoding state continuing a prompt.
   *
   * @param embeddings {@link #inputEmbeddings} output
   * @param useCache whether to decode with the key/value cache
   * @param parent the manager the state hangs from
   * @return the state; close it
   */
  public PromptDecoding decoding(NDArray embeddings, boolean useCache, NDManager parent) {
    int l = (int) embeddings.getShape().get(1);
    long[] pos = new long[l];
    for (int i = 0; i < l; i++) {
      pos[i] = i;
    }
    return new PromptDecoding(llm, embeddings, pos, 0, null, useCache, parent);
  }

  /**
   * A decoding state continuing a batch of prompts together, as the reference's {@code batch_chat}
   * does: the prompts are left-padded to the longest, padded positions are masked for every query
   * and rotary positions count real tokens only, so that each prompt gets, token for token, what
   * {@link #decoding(NDArray, boolean, NDManager)} gives it alone (up to float rounding in the
   * batched products).
   *
   * @param embeddings per prompt, its {@link #inputEmbeddings} {@code [1, L_i, hidden]}
   * @param useCache whether to decode with the key/value cache
   * @param parent the manager the state hangs from
   * @return the state, one row per prompt at the start; close it
   */
  public PromptDecoding decoding(List<NDArray> embeddings, boolean useCache, NDManager parent) {
    if (embeddings.isEmpty()) {
      throw new IllegalArgumentException("no prompt to decode");
    }
    int rows = embeddings.size();
    int width = 0;
    for (NDArray e : embeddings) {
      width = Math.max(width, (int) e.getShape().get(1));
    }
    long[][] positions = new long[rows][width];
    boolean[][] keep = new boolean[rows][width];
    boolean padded = false;
    try (NDManager scratch = parent.newSubManager()) {
      NDList padRows = new NDList();
      for (int r = 0; r < rows; r++) {
        NDArray e = embeddings.get(r);
        int l = (int) e.getShape().get(1);
        int pad = width - l;
        padded |= pad > 0;
        // the reference's position ids under left padding: cumsum(mask) - 1, padding at 1
        for (int j = 0; j < width; j++) {
          keep[r][j] = j >= pad;
          positions[r][j] = j >= pad ? j - pad : 1;
        }
        if (pad == 0) {
          padRows.add(e);
        } else {
          // zeros where the reference has the pad token's embedding: masked keys either way
          NDArray zeros = scratch.zeros(new Shape(1, pad, e.getShape().get(2)), e.getDataType());
          padRows.add(NDArrays.concat(new NDList(zeros.toDevice(e.getDevice(), false), e), 1));
        }
      }
      NDArray batch = rows == 1 ? padRows.get(0) : NDArrays.concat(padRows, 0);
      if (batch != embeddings.get(0)) {
        batch.attach(scratch); // the state keeps its own copy
      }
      return new PromptDecoding(
          llm, batch, positions, padded ? keep : null, 0, null, useCache, parent);
    }
  }

  /** Releases every weight. */
  @Override
  public void close() {
    manager.close();
    vit.close();
  }
}
