package io.vleval.model.internvl.clip;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.vleval.model.internvl.checkpoint.Weights;
import io.vleval.model.internvl.llm.Decoder;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.model.internvl.vision.TensorMismatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InternVL-C and InternVL-G from one checkpoint (INTERNVL.md §2–§3).
 *
 * <ul>
 *   <li>C image feature: {@code clip_projector(InternViT last_hidden_state)}.
 *   <li>G image feature: {@code normalize(C) + normalize(clip_projector2(QLLaMA(query_tokens)))},
 *       the queries attending to each other bidirectionally (positions 0..95) and to the vision
 *       tokens in the cross-attention layers.
 *   <li>Text feature (both): QLLaMA over the ids with a causal + padding mask (id 0 is padding,
 *       right padded), final-normed hidden state at the last non-pad position, times {@code
 *       text_projection}.
 *   <li>Logits: {@code exp(logit_scale) * normalize(image) . normalize(text)}.
 * </ul>
 *
 * <p>Recipe: per batch, open a sub-manager of {@link #manager()}, create pixels {@code [B, 3, S,
 * S]} in it, call {@link #vision}, then the feature methods; close the sub-manager.
 */
public final class InternVlCg implements AutoCloseable {

  private static final List<String> HEAD_KEYS =
      List.of("query_tokens", "text_projection", "logit_scale");

  private final InternVlCgConfig config;
  private final NDManager manager;
  private final InternVit vit;
  private final Decoder qllama;
  private final AttentionPooling clipProjector;
  private final AttentionPooling clipProjector2;
  private final Weights head;

  private InternVlCg(
      InternVlCgConfig config,
      NDManager manager,
      InternVit vit,
      Decoder qllama,
      AttentionPooling clipProjector,
      AttentionPooling clipProjector2,
      Weights head) {
    this.config = config;
    this.manager = manager;
    this.vit = vit;
    this.qllama = qllama;
    this.clipProjector = clipProjector;
    this.clipProjector2 = clipProjector2;
    this.head = head;
  }

  /**
   * Loads a checkpoint directory ({@code config.json} + safetensors).
   *
   * @param dir the directory
   * @param device where the weights live
   * @return the model
   */
  public static InternVlCg load(Path dir, Device device) {
    return load(dir, device, DataType.FLOAT32);
  }

  /**
   * Loads a checkpoint directory to compute in {@code dtype} ({@code logit_scale} stays float32).
   *
   * @param dir the directory
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlCg load(Path dir, Device device, DataType dtype) {
    InternVlCgConfig config = InternVlCgConfig.fromJson(dir.resolve("config.json"));
    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      return fromTensors(config, tensors, device, dtype);
    }
  }

  private static Map<String, long[]> headShapes(InternVlCgConfig c) {
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("query_tokens", new long[] {1, c.qllama().numQueryTokens(), c.qllama().hiddenSize()});
    m.put("text_projection", new long[] {c.qllama().hiddenSize(), c.clipEmbedDim()});
    m.put("logit_scale", new long[0]);
    return m;
  }

  /**
   * Builds the model from named tensors with the reference key names ({@code vision_model.*},
   * {@code qllama.*}, {@code clip_projector[2].*}, {@code query_tokens}, {@code text_projection},
   * {@code logit_scale}; {@code itm_head.*} is unused at inference and skipped). Keys outside these
   * groups are refused.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param device where the weights live
   * @return the model
   */
  public static InternVlCg fromTensors(
      InternVlCgConfig config, TensorSource tensors, Device device) {
    return fromTensors(config, tensors, device, DataType.FLOAT32);
  }

  /**
   * As {@link #fromTensors(InternVlCgConfig, TensorSource, Device)}, computing in {@code dtype}.
   *
   * @param config the architecture
   * @param tensors the checkpoint
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlCg fromTensors(
      InternVlCgConfig config, TensorSource tensors, Device device, DataType dtype) {
    List<String> stray = new ArrayList<>();
    for (String k : tensors.keys()) {
      if (!(k.startsWith("vision_model.")
          || k.startsWith("qllama.")
          || k.startsWith("clip_projector.")
          || k.startsWith("clip_projector2.")
          || k.startsWith("itm_head.")
          || HEAD_KEYS.contains(k))) {
        stray.add(k);
      }
    }
    // every component's differences at once, before any weight is copied
    int vw = config.vision().hiddenSize();
    int qw = config.qllama().hiddenSize();
    int visionCount = config.vision().parameterShapes().size();
    int qllamaCount = config.qllama().parameterShapes().size();
    int poolingCount = AttentionPooling.parameterShapes(vw, config.clipEmbedDim()).size();
    int pooling2Count = AttentionPooling.parameterShapes(qw, config.clipEmbedDim()).size();
    TensorMismatch.unexpected(stray)
        .plus(InternVit.check(config.vision(), tensors, "vision_model."))
        .plus(Decoder.check(config.qllama(), tensors, "qllama."))
        .plus(AttentionPooling.check(tensors, "clip_projector.", vw, config.clipEmbedDim()))
        .plus(AttentionPooling.check(tensors, "clip_projector2.", qw, config.clipEmbedDim()))
        .plus(
            Weights.check(
                TensorSource.filtered(tensors, HEAD_KEYS::contains),
                "",
                headShapes(config),
                k -> false))
        .throwIfAny(
            TensorMismatch.describe(tensors),
            "the InternVL-C/-G architecture of its config.json, which expects "
                + (visionCount + qllamaCount + poolingCount + pooling2Count + HEAD_KEYS.size())
                + " tensors: "
                + visionCount
                + " under vision_model. (InternViT, "
                + config.vision().numHiddenLayers()
                + " layers), "
                + qllamaCount
                + " under qllama. ("
                + config.qllama().numHiddenLayers()
                + " layers), "
                + poolingCount
                + " under clip_projector., "
                + pooling2Count
                + " under clip_projector2., and "
                + String.join(", ", HEAD_KEYS)
                + " (itm_head.* may be present and is skipped)");
    InternVit vit = InternVit.fromTensors(config.vision(), tensors, "vision_model.", device, dtype);
    NDManager m = NDManager.newBaseManager(device, "PyTorch");
    try {
      Decoder qllama = Decoder.load(config.qllama(), tensors, "qllama.", m);
      AttentionPooling c =
          AttentionPooling.load(
              tensors, "clip_projector.", vw, config.clipEmbedDim(), config.attnPoolNumHeads(), m);
      AttentionPooling g =
          AttentionPooling.load(
              tensors, "clip_projector2.", qw, config.clipEmbedDim(), config.attnPoolNumHeads(), m);
      Map<String, long[]> shapes = headShapes(config);
      Weights head =
          Weights.load(
              TensorSource.filtered(tensors, HEAD_KEYS::contains),
              "",
              shapes,
              k -> false,
              "the InternVL head",
              m);
      return cast(new InternVlCg(config, m, vit, qllama, c, g, head), dtype);
    } catch (RuntimeException e) {
      m.close();
      vit.close();
      throw e;
    }
  }

  /**
   * Builds a model with seeded random weights (for presets and benchmarks).
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @return the model
   */
  public static InternVlCg random(InternVlCgConfig config, long seed, Device device) {
    return random(config, seed, device, DataType.FLOAT32);
  }

  /**
   * Builds a model with the seeded random weights of {@link #random(InternVlCgConfig, long,
   * Device)}, computing in {@code dtype}.
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static InternVlCg random(
      InternVlCgConfig config, long seed, Device device, DataType dtype) {
    InternVit vit = InternVit.random(config.vision(), seed, device, dtype);
    NDManager m = NDManager.newBaseManager(device, "PyTorch");
    int vw = config.vision().hiddenSize();
    int qw = config.qllama().hiddenSize();
    Decoder qllama = Decoder.random(config.qllama(), seed + 1, m);
    AttentionPooling c =
        AttentionPooling.random(vw, config.clipEmbedDim(), config.attnPoolNumHeads(), seed + 2, m);
    AttentionPooling g =
        AttentionPooling.random(qw, config.clipEmbedDim(), config.attnPoolNumHeads(), seed + 3, m);
    Weights head = Weights.random(headShapes(config), seed + 4, 0.5, m);
    head.put("logit_scale", m.create((float) Math.log(1 / 0.07)));
    return cast(new InternVlCg(config, m, vit, qllama, c, g, head), dtype);
  }

  /**
   * Casts everything but the vision tower (built in its type) and {@code logit_scale} (read into
   * Java).
   */
  private static InternVlCg cast(InternVlCg model, DataType dtype) {
    try {
      model.qllama.cast(dtype);
      model.clipProjector.cast(dtype);
      model.clipProjector2.cast(dtype);
      model.head.cast(dtype, Set.of("logit_scale"));
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * @return the architecture
   */
  public InternVlCgConfig config() {
    return config;
  }

  /**
   * @return the vision tower
   */
  public InternVit vit() {
    return vit;
  }

  /**
   * @return QLLaMA
   */
  public Decoder qllama() {
    return qllama;
  }

  /**
   * @return InternVL-C's attention pooling ({@code clip_projector})
   */
  public AttentionPooling clipProjector() {
    return clipProjector;
  }

  /**
   * @return InternVL-G's attention pooling over the query outputs ({@code clip_projector2})
   */
  public AttentionPooling clipProjector2() {
    return clipProjector2;
  }

  /**
   * The head weights {@code query_tokens}, {@code text_projection} and {@code logit_scale};
   * training updates them in place.
   *
   * @return key → weight (owned by the model; do not close)
   */
  public Map<String, NDArray> headWeights() {
    return head.asMap();
  }

  /**
   * @return the manager to open batch sub-managers from
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * @return {@code logit_scale} (the log of the logit multiplier)
   */
  public float logitScale() {
    return head.get("logit_scale").getFloat();
  }

  /**
   * Runs InternViT.
   *
   * @param pixels normalized pixels {@code [B, 3, S, S]}
   * @return the last hidden state {@code [B, 1 + hw, width]} (CLS first, no final norm)
   */
  public NDArray vision(NDArray pixels) {
    return vit.forward(pixels).lastHiddenState();
  }

  /**
   * InternVL-C image embeddings (not normalized).
   *
   * @param vision {@link #vision} output
   * @return {@code [B, clip_embed_dim]}
   */
  public NDArray imageEmbedsC(NDArray vision) {
    return clipProjector.forward(vision);
  }

  /**
   * QLLaMA's query outputs: the learnable queries through QLLaMA, bidirectional, cross-attending to
   * the vision tokens.
   *
   * @param vision {@link #vision} output
   * @return the final-normed hidden states {@code [B, num_query_token, hidden]}
   */
  public NDArray queryOutputs(NDArray vision) {
    NDManager batch = vision.getManager();
    int b = (int) vision.getShape().get(0);
    int nq = config.qllama().numQueryTokens();
    NDArray queries = head.get("query_tokens").repeat(0, b);
    queries.attach(batch);
    long[][] pos = new long[b][nq];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < nq; j++) {
        pos[i][j] = j;
      }
    }
    return qllama.forward(queries, pos, null, null, vision);
  }

  /**
   * InternVL-G image embeddings: {@code normalize(C) + normalize(clip_projector2(queries))}, a sum
   * of two unit vectors, not re-normalized.
   *
   * @param vision {@link #vision} output
   * @return {@code [B, clip_embed_dim]}
   */
  public NDArray imageEmbedsG(NDArray vision) {
    NDArray c = normalize(imageEmbedsC(vision));
    NDArray g = normalize(clipProjector2.forward(queryOutputs(vision)));
    return c.add(g);
  }

  /**
   * QLLaMA's final-normed hidden states for token ids, with a causal + padding mask (id 0 = pad).
   *
   * @param ids right-padded ids {@code [B][L]}
   * @param batch the manager that owns the result
   * @return {@code [B, L, hidden]}
   */
  public NDArray textHidden(long[][] ids, NDManager batch) {
    int b = ids.length;
    int l = ids[0].length;
    boolean[][] keep = new boolean[b][l];
    long[][] pos = new long[b][l];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < l; j++) {
        keep[i][j] = ids[i][j] > 0;
        pos[i][j] = j;
      }
    }
    NDArray x = qllama.embed(ids, batch);
    return qllama.forward(x, pos, Decoder.causalMask(b, l, 0, keep, 0), null, null);
  }

  /**
   * Text embeddings (not normalized): the hidden state at the last non-pad position times {@code
   * text_projection}.
   *
   * @param hidden {@link #textHidden} output
   * @param ids the same ids
   * @return {@code [B, clip_embed_dim]}
   */
  public NDArray textEmbeds(NDArray hidden, long[][] ids) {
    NDManager batch = hidden.getManager();
    long[] rows = new long[ids.length];
    long[] cols = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int n = 0;
      for (long id : ids[i]) {
        n += id > 0 ? 1 : 0;
      }
      rows[i] = i;
      cols[i] = Math.max(n - 1, 0);
    }
    NDArray r = batch.create(rows).toDevice(hidden.getDevice(), false);
    NDArray c = batch.create(cols).toDevice(hidden.getDevice(), false);
    NDArray last = hidden.get(new NDIndex("{}, {}", r, c));
    return last.matMul(head.get("text_projection"));
  }

  /**
   * {@code exp(logit_scale) * normalize(images) . normalize(texts)^T}.
   *
   * @param images image embeddings {@code [I, E]}
   * @param texts text embeddings {@code [T, E]}
   * @return logits per image {@code [I, T]}
   */
  public NDArray logitsPerImage(NDArray images, NDArray texts) {
    return Scalars.mul(
        normalize(images).matMul(normalize(texts).transpose()), (float) Math.exp(logitScale()));
  }

  /**
   * The captioning sequence of InternVL-G ({@code InternVLModel.generate}): queries then the
   * prompt, mask {@code [ones(nq); prompt_mask]} with the query block fully visible, positions
   * {@code cumsum(mask) - 1} (1 where masked). Returns the final-normed hidden states of every
   * position.
   *
   * @param vision {@link #vision} output {@code [B, N, width]}
   * @param promptIds prompt ids {@code [B][P]}
   * @param promptMask 1 for real tokens, 0 for padding {@code [B][P]}
   * @return hidden states {@code [B, nq + P, hidden]}
   */
  public NDArray captionHidden(NDArray vision, long[][] promptIds, long[][] promptMask) {
    NDManager batch = vision.getManager();
    int b = promptIds.length;
    int p = promptIds[0].length;
    int nq = config.qllama().numQueryTokens();
    NDArray queries = head.get("query_tokens").repeat(0, b);
    queries.attach(batch);
    NDArray x = NDArrays.concat(new NDList(queries, qllama.embed(promptIds, batch)), 1);
    long[][] pos = captionPositions(promptMask, nq);
    boolean[][] keep = new boolean[b][nq + p];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < nq + p; j++) {
        keep[i][j] = j < nq || promptMask[i][j - nq] != 0;
      }
    }
    return qllama.forward(x, pos, Decoder.causalMask(b, nq + p, 0, keep, nq), null, vision);
  }

  /**
   * Position ids as the reference's {@code prepare_inputs_for_generation} makes them: {@code
   * cumsum(mask) - 1}, with 1 at masked positions.
   *
   * @param promptMask {@code [B][P]}
   * @param nq the query count (always unmasked)
   * @return {@code [B][nq + P]}
   */
  public static long[][] captionPositions(long[][] promptMask, int nq) {
    long[][] pos = new long[promptMask.length][nq + promptMask[0].length];
    for (int i = 0; i < pos.length; i++) {
      long sum = 0;
      for (int j = 0; j < pos[i].length; j++) {
        long m = j < nq ? 1 : promptMask[i][j - nq];
        sum += m;
        pos[i][j] = m == 0 ? 1 : sum - 1;
      }
    }
    return pos;
  }

  /**
   * A decoding state for InternVL-G captioning of one image.
   *
   * @param vision {@link #vision} output for one image {@code [1, N, width]}
   * @param promptIds the prompt ids (BOS first, no EOS)
   * @param useCache whether to decode with the key/value cache
   * @param parent the manager the state's memory hangs from
   * @return the state; close it
   */
  public PromptDecoding captionState(
      NDArray vision, long[] promptIds, boolean useCache, NDManager parent) {
    int nq = config.qllama().numQueryTokens();
    try (NDManager scratch = parent.newSubManager()) {
      NDArray queries = head.get("query_tokens").duplicate();
      queries.attach(scratch);
      NDArray x =
          NDArrays.concat(new NDList(queries, qllama.embed(new long[][] {promptIds}, scratch)), 1);
      long[] ones = new long[promptIds.length];
      Arrays.fill(ones, 1);
      long[] pos = captionPositions(new long[][] {ones}, nq)[0];
      return new PromptDecoding(qllama, x, pos, nq, vision, useCache, parent);
    }
  }

  /**
   * L2-normalizes the last axis (eps 1e-12, as {@code F.normalize}).
   *
   * @param x the array
   * @return normalized, in the manager of {@code x}
   */
  public static NDArray normalize(NDArray x) {
    return x.div(Scalars.maximum(x.norm(new int[] {-1}, true), 1e-12f));
  }

  /** Releases every weight. */
  @Override
  public void close() {
    manager.close();
    vit.close();
  }
}
