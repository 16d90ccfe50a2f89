package io.vleval.model.internvl.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.generation.DecodingState;
import io.vleval.model.internvl.nd.Precision;
import java.util.Arrays;

/**
 * Continues a prompt given as embeddings (text tokens, image tokens or QLLaMA queries) with a
 * {@link Decoder}, either incrementally with a {@link KvCache} or by re-running the whole sequence
 * at every step. Both give the same tokens; the second exists to prove it and to measure the cache.
 *
 * <p>The prompt is one row; position ids continue from the prompt's last position; the first {@code
 * bidirectional} prompt positions see each other (QLLaMA queries); vision tokens, when given, reach
 * the cross-attention layers whenever a pass covers the query positions (the prefill, and every
 * pass without the cache).
 */
public final class PromptDecoding implements DecodingState {

  private final Decoder decoder;
  private final NDManager manager;
  private final NDArray prompt;
  private final long[] promptPositions;
  private final int bidirectional;
  private final NDArray vision;
  private final KvCache cache;
  private long[][] generated = new long[1][0];

  /**
   * Creates the state; it takes ownership of copies of the prompt and vision arrays.
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
    this.decoder = decoder;
    this.manager = parent.newSubManager();
    this.prompt = adopt(prompt);
    this.promptPositions = promptPositions.clone();
    this.bidirectional = bidirectional;
    this.vision = vision == null ? null : adopt(vision);
    this.cache = useCache ? new KvCache(decoder.config().numHiddenLayers(), manager) : null;
  }

  private NDArray adopt(NDArray a) {
    NDArray copy = a.duplicate();
    copy.attach(manager);
    return copy;
  }

  @Override
  public float[][] start() {
    int p = promptPositions.length;
    try (NDManager step = manager.newSubManager()) {
      NDArray x = prompt.duplicate();
      x.attach(step);
      float[][] mask = Decoder.causalMask(1, p, 0, null, bidirectional);
      NDArray hidden = decoder.forward(x, new long[][] {promptPositions}, mask, cache, vision);
      return lastLogits(hidden);
    }
  }

  @Override
  public float[][] advance(long[] tokens, int[] parents) {
    int rows = tokens.length;
    long[][] grown = new long[rows][];
    for (int i = 0; i < rows; i++) {
      long[] from = generated[parents[i]];
      grown[i] = Arrays.copyOf(from, from.length + 1);
      grown[i][from.length] = tokens[i];
    }
    generated = grown;
    int n = grown[0].length;
    int p = promptPositions.length;
    long last = promptPositions[p - 1];
    try (NDManager step = manager.newSubManager()) {
      if (cache != null) {
        cache.reorder(parents);
        long[][] ids = new long[rows][1];
        long[][] pos = new long[rows][1];
        for (int i = 0; i < rows; i++) {
          ids[i][0] = tokens[i];
          pos[i][0] = last + n;
        }
        NDArray x = decoder.embed(ids, step);
        return lastLogits(decoder.forward(x, pos, null, cache, vision));
      }
      NDArray text = decoder.embed(grown, step);
      NDArray head = prompt.duplicate();
      head.attach(step);
      NDArray x = NDArrays.concat(new NDList(head.repeat(0, rows), text), 1);
      long[][] pos = new long[rows][p + n];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(promptPositions, 0, pos[i], 0, p);
        for (int j = 0; j < n; j++) {
          pos[i][p + j] = last + 1 + j;
        }
      }
      NDArray vis = null;
      if (vision != null) {
        vis = vision.duplicate();
        vis.attach(step);
        vis = vis.repeat(0, rows);
      }
      float[][] mask = Decoder.causalMask(rows, p + n, 0, null, bidirectional);
      return lastLogits(decoder.forward(x, pos, mask, null, vis));
    }
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
