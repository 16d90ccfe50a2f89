package io.vleval.model.internvl.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.vleval.model.internvl.generation.DecodingState;
import io.vleval.model.internvl.nd.Precision;
import java.util.Arrays;

/**
 * Continues a prompt given as embeddings (text tokens, image tokens or QLLaMA queries) with a
 * {@link Decoder}, either incrementally with a {@link KvCache} or by re-running the whole sequence
 * at every step. Both give the same tokens; the second exists to prove it and to measure the cache.
 *
 * <p>A state holds one prompt or a batch of prompts. A batch is left-padded, as the reference's
 * {@code batch_chat} pads it: each prompt row ends at the last column, padded keys are masked for
 * every query, and rotary positions count only real tokens ({@code attention_mask.cumsum(-1) - 1},
 * padding at 1), so each prompt is continued as it would be alone. Rows follow {@link
 * DecodingState}: at each step the rows of every prompt still running, grouped by prompt.
 *
 * <p>Position ids continue from each prompt's last position; the first {@code bidirectional} prompt
 * positions see each other (QLLaMA queries); vision tokens, when given, reach the cross-attention
 * layers whenever a pass covers the query positions (the prefill, and every pass without the
 * cache).
 */
public final class PromptDecoding implements DecodingState {

  private final Decoder decoder;
  private final NDManager manager;
  private final NDArray prompt;
  private final long[][] promptPositions;
  private final boolean[][] keep;
  private final int bidirectional;
  private final NDArray vision;
  private final KvCache cache;
  private long[][] generated;

  /** The prompt each current row continues. */
  private int[] rowPrompt;

  /**
   * Creates the state of one prompt; it takes ownership of copies of the prompt and vision arrays.
   *
   * @param decoder the decoder
   * @param prompt prompt embeddings {@code [1, P, hidden]}
   * @param promptPositions rotary positions of the prompt, length P
   * @param bidirectional leading prompt positions that attend to each other (0 for plain causal)
   * @param vision vision tokens {@code [1, N, width]} for cross-attention, or null
   * @param useCache whether to decode incrementally with a key/value cache
   * @param parent the manager the state's own manager hangs from
   */
  public PromptDecoding(
      Decoder decoder,
      NDArray prompt,
      long[] promptPositions,
      int bidirectional,
      NDArray vision,
      boolean useCache,
      NDManager parent) {
    this(
        decoder,
        prompt,
        new long[][] {promptPositions},
        null,
        bidirectional,
        vision,
        useCache,
        parent);
  }

  /**
   * Creates the state of a batch of prompts; it takes ownership of copies of the prompt and vision
   * arrays.
   *
   * @param decoder the decoder
   * @param prompts prompt embeddings {@code [B, P, hidden]}, left-padded
   * @param promptPositions rotary positions {@code [B][P]} (padding at any value)
   * @param keep per prompt, which of the P columns are real tokens, or null when none is padding
   * @param bidirectional leading prompt positions that attend to each other (0 for plain causal)
   * @param vision vision tokens {@code [B, N, width]} for cross-attention, or null
   * @param useCache whether to decode incrementally with a key/value cache
   * @param parent the manager the state's own manager hangs from
   */
  public PromptDecoding(
      Decoder decoder,
      NDArray prompts,
      long[][] promptPositions,
      boolean[][] keep,
      int bidirectional,
      NDArray vision,
      boolean useCache,
      NDManager parent) {
    int rows = promptPositions.length;
    if (prompts.getShape().get(0) != rows || (keep != null && keep.length != rows)) {
      throw new IllegalArgumentException(
          "prompt rows "
              + prompts.getShape().get(0)
              + ", position rows "
              + rows
              + (keep == null ? "" : ", mask rows " + keep.length));
    }
    this.decoder = decoder;
    this.manager = parent.newSubManager();
    this.prompt = adopt(prompts);
    this.promptPositions = new long[rows][];
    for (int i = 0; i < rows; i++) {
      this.promptPositions[i] = promptPositions[i].clone();
    }
    this.keep = keep == null ? null : keep.clone();
    this.bidirectional = bidirectional;
    this.vision = vision == null ? null : adopt(vision);
    this.cache = useCache ? new KvCache(decoder.config().numHiddenLayers(), manager) : null;
    this.generated = new long[rows][0];
    this.rowPrompt = new int[rows];
    for (int i = 0; i < rows; i++) {
      rowPrompt[i] = i;
    }
  }

  private NDArray adopt(NDArray a) {
    NDArray copy = a.duplicate();
    copy.attach(manager);
    return copy;
  }

  @Override
  public float[][] start() {
    int rows = promptPositions.length;
    int p = promptPositions[0].length;
    try (NDManager step = manager.newSubManager()) {
      NDArray x = prompt.duplicate();
      x.attach(step);
      float[][] mask = Decoder.causalMask(rows, p, 0, keep, bidirectional);
      NDArray hidden = decoder.forward(x, promptPositions, mask, cache, vision);
      return lastLogits(hidden);
    }
  }

  @Override
  public float[][] advance(long[] tokens, int[] parents) {
    int rows = tokens.length;
    long[][] grown = new long[rows][];
    int[] owners = new int[rows];
    for (int i = 0; i < rows; i++) {
      long[] from = generated[parents[i]];
      grown[i] = Arrays.copyOf(from, from.length + 1);
      grown[i][from.length] = tokens[i];
      owners[i] = rowPrompt[parents[i]];
    }
    generated = grown;
    rowPrompt = owners;
    int n = grown[0].length;
    int p = promptPositions[0].length;
    boolean[][] visible = keep == null ? null : rowKeep(p + n);
    try (NDManager step = manager.newSubManager()) {
      if (cache != null) {
        cache.reorder(parents);
        long[][] ids = new long[rows][1];
        long[][] pos = new long[rows][1];
        for (int i = 0; i < rows; i++) {
          ids[i][0] = tokens[i];
          pos[i][0] = lastPosition(owners[i]) + n;
        }
        NDArray x = decoder.embed(ids, step);
        float[][] mask =
            visible == null ? null : Decoder.causalMask(rows, 1, p + n - 1, visible, 0);
        return lastLogits(decoder.forward(x, pos, mask, cache, vision));
      }
      NDArray text = decoder.embed(grown, step);
      NDArray head = select(prompt, step);
      NDArray x = NDArrays.concat(new NDList(head, text), 1);
      long[][] pos = new long[rows][p + n];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(promptPositions[owners[i]], 0, pos[i], 0, p);
        long last = lastPosition(owners[i]);
        for (int j = 0; j < n; j++) {
          pos[i][p + j] = last + 1 + j;
        }
      }
      NDArray vis = vision == null ? null : select(vision, step);
      float[][] mask = Decoder.causalMask(rows, p + n, 0, visible, bidirectional);
      return lastLogits(decoder.forward(x, pos, mask, null, vis));
    }
  }

  private long lastPosition(int promptIndex) {
    long[] positions = promptPositions[promptIndex];
    return positions[positions.length - 1];
  }

  /** Per current row, which of the {@code length} keys are real (its prompt's, then generated). */
  private boolean[][] rowKeep(int length) {
    boolean[][] out = new boolean[rowPrompt.length][length];
    for (int i = 0; i < out.length; i++) {
      boolean[] k = keep[rowPrompt[i]];
      System.arraycopy(k, 0, out[i], 0, k.length);
      Arrays.fill(out[i], k.length, length, true);
    }
    return out;
  }

  /** The prompt-indexed array's rows for the current rows, owned by {@code step}. */
  private NDArray select(NDArray byPrompt, NDManager step) {
    long[] idx = new long[rowPrompt.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = rowPrompt[i];
    }
    NDArray index = step.create(idx).toDevice(byPrompt.getDevice(), false);
    NDArray out = byPrompt.get(new NDIndex("{}", index));
    out.attach(step);
    return out;
  }

  private float[][] lastLogits(NDArray hidden) {
    long rows = hidden.getShape().get(0);
    long t = hidden.getShape().get(1);
    NDArray logits = decoder.logits(hidden.get(":, " + (t - 1) + ", :"));
    float[] flat = Precision.toFloat32(logits).toFloatArray();
    int vocab = decoder.config().vocabSize();
    float[][] out = new float[(int) rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
