package io.vleval.training.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.text.ClipText;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.ImageText;
import io.vleval.training.data.StageData;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.Shard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stage 2 (InternVL-G, INTERNVL.md §5.2): {@code L = L_itc + L_itm + L_itg} over captioned images,
 * with the vision tower, the original QLLaMA weights, {@code text_projection} and {@code
 * clip_projector} frozen.
 *
 * <p>Each row of QLLaMA's input is {@code [query_tokens; text]} with positions {@code 0..S-1}, and
 * the queries cross-attend to the image in the cross-attention layers. Masks (padding always
 * hidden):
 *
 * <table>
 *   <caption>who sees whom (Q queries, T text)</caption>
 *   <tr><th>rows</th><th>Q→Q</th><th>Q→T</th><th>T→Q</th><th>T→T</th></tr>
 *   <tr><td>ITC</td><td>full</td><td>blocked</td><td>blocked</td><td>causal</td></tr>
 *   <tr><td>ITG</td><td>full</td><td>blocked</td><td>full</td><td>causal</td></tr>
 *   <tr><td>ITM</td><td>full</td><td>full</td><td>full</td><td>full</td></tr>
 * </table>
 *
 * <ul>
 *   <li>ITC: {@code clip_projector2(query outputs)} against the text row's EOS state times {@code
 *       text_projection}, both normalized, {@code exp(logit_scale)} scale, symmetric CE.
 *   <li>ITG: text {@code BOS "English caption:" caption EOS}; next-token CE through {@code
 *       lm_head}, pads and the first {@code len(prefix) - 1} positions ignored (so ":" predicts the
 *       caption).
 *   <li>ITM: the first {@code B - B/2} rows pair image i with a <b>hard negative</b> caption drawn
 *       from {@code softmax(sim_i2t[i])} of this step's ITC similarities (detached; the image's own
 *       caption excluded), the last {@code B/2} rows with its own caption; {@code itm_head} on the
 *       mean of the query outputs (the reference averages the per-query logits, which is the same
 *       for a linear head); CE against 0/1. The reference's released code draws the negatives at
 *       random; the paper and BLIP-2 mine them, as here.
 * </ul>
 *
 * <p>The ITC and ITG rows share one QLLaMA pass (the reference puts all three in one; here ITM
 * needs the ITC similarities first, so it is a second pass).
 *
 * <p>Data parallelism: every shard draws the whole batch's captions and negatives from the one
 * per-step stream, shares its rows' ITC features, computes the whole ITC loss from the gathered
 * ones (through its own rows; the temperature live in shard 0 only), and its rows' part of the ITG
 * and ITM means. A negative caption may be another shard's: only its text is needed, and it is
 * re-encoded here.
 */
public final class GenerativeObjective implements Objective {

  /** The captioning prompt of InternVL-G (also its zero-shot captioning prompt). */
  public static final String PROMPT = "English caption:";

  private static final float MASKED = -Float.MAX_VALUE;

  private final CgStageModel model;
  private final InternVlCg cg;
  private final TextTokenizer tokenizer;
  private final Examples<ImageText> data;
  private final ImagePixels pixels;
  private final long seed;
  private final long[] prompt;

  /**
   * @param model the model
   * @param tokenizer its tokenizer
   * @param data captioned images, and their decoder
   * @param seed seeds the caption choice and the negatives
   */
  public GenerativeObjective(
      CgStageModel model, TextTokenizer tokenizer, StageData data, long seed) {
    this.model = model;
    this.cg = model.cg();
    this.tokenizer = tokenizer;
    this.data = data.images();
    this.pixels = data.pixels();
    this.seed = seed;
    this.prompt = tokenizer.encode(PROMPT, false);
  }

  /**
   * The weights stage 2 trains: {@code query_tokens}, QLLaMA's cross-attention blocks, {@code
   * clip_projector2}, {@code itm_head} and {@code logit_scale}.
   *
   * @param name a parameter name of {@link CgStageModel}
   * @return whether it trains
   */
  public static boolean trains(String name) {
    return name.equals("query_tokens")
        || name.equals("logit_scale")
        || name.startsWith("clip_projector2.")
        || name.startsWith("itm_head.")
        || name.matches("qllama\\.\\d+\\.x.*");
  }

  @Override
  public int size() {
    return data.size();
  }

  @Override
  public SampleOrder order(long orderSeed) {
    return data.order(orderSeed);
  }

  @Override
  public List<String> partNames() {
    return List.of("itc", "itm", "itg");
  }

  @Override
  public Pass forward(Shard shard, int step, NDManager batch) {
    int[] samples = shard.samples();
    int b = shard.size();
    int nq = cg.config().qllama().numQueryTokens();
    long bos = cg.config().qllama().bosTokenId();
    long eos = cg.config().qllama().eosTokenId();
    // every shard draws the whole batch's captions (and, in loss, its negatives) from one stream
    SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + step * 7919L + samples[0]);
    List<String> all = new ArrayList<>();
    for (int s : samples) {
      List<String> c = data.get(s).primaryCaptions();
      all.add(c.get(rng.nextInt(c.size())));
    }
    List<float[]> images = new ArrayList<>();
    List<String> captions = all.subList(shard.from(), shard.to());
    for (int s : shard.own()) {
      images.add(pixels.of(data.get(s).image()));
    }
    NDArray vision = cg.vision(Batches.pixels(images, pixels.size(), batch));

    // pass 1: ITC rows then ITG rows
    long[][] itc = ClipText.encode(tokenizer, captions, bos, eos);
    long[][] itg = new long[b][];
    for (int i = 0; i < b; i++) {
      itg[i] = itgRow(tokenizer, prompt, captions.get(i), bos, eos);
    }
    int l = 0;
    for (int i = 0; i < b; i++) {
      l = Math.max(l, Math.max(itc[i].length, itg[i].length));
    }
    long[][] text = new long[2 * b][];
    float[][] mask = new float[2 * b][];
    for (int i = 0; i < b; i++) {
      text[i] = Arrays.copyOf(itc[i], l);
      text[b + i] = Arrays.copyOf(itg[i], l);
      mask[i] = mask(nq, text[i], false, false);
      mask[b + i] = mask(nq, text[b + i], true, false);
    }
    // rows i and b + i are image i: stack the batch twice. (Not vision.repeat(0, 2): DJL's repeat
    // is
    // numpy's, element-wise, [v0, v0, v1, v1, ...], which gave ITC row i the image i / 2.)
    NDArray hidden = pass(cg, text, mask, NDArrays.concat(new NDList(vision, vision), 0), batch);

    // ITC features, shared with the other shards
    NDArray queryOut = hidden.get(":" + b + ", :" + nq + ", :");
    NDArray img = InternVlCg.normalize(cg.clipProjector2().forward(queryOut));
    long[] rows = new long[b];
    long[] cols = new long[b];
    for (int i = 0; i < b; i++) {
      rows[i] = i;
      cols[i] = nq + count(itc[i]) - 1;
    }
    NDArray eosState = hidden.get(new NDIndex("{}, {}", batch.create(rows), batch.create(cols)));
    NDArray txt = InternVlCg.normalize(eosState.matMul(cg.headWeights().get("text_projection")));
    NDList features = new NDList(img, txt);

    // ITG: the mean over the whole batch's targets
    NDArray textOut = hidden.get(b + ":, " + nq + ":, :");
    NDArray logits = cg.qllama().logits(textOut).logSoftmax(-1);
    // labels: pads ignored and the first len(prefix) - 1 positions ignored, shifted by one
    Batches.TokenLoss itgLoss =
        Batches.nextTokenLoss(
            logits,
            Arrays.copyOfRange(text, b, 2 * b),
            prompt.length,
            cg.config().qllama().vocabSize(),
            batch);
    NDArray lItg;
    if (shard.isWhole()) {
      lItg = itgLoss.mean();
    } else {
      int targets = 0;
      for (String c : all) {
        targets += Batches.targets(itgRow(tokenizer, prompt, c, bos, eos), prompt.length);
      }
      lItg = Scalars.div(itgLoss.sum(), Math.max(1, targets));
    }

    return Pass.sharing(
        features,
        (gathered, parts) -> {
          int n = shard.batchSize();
          NDArray scale = Batches.temperature(cg, shard, batch);
          NDArray sim = gathered.get(0).matMul(gathered.get(1).transpose()).mul(scale);
          NDArray targets = Batches.multiPositiveTargets(all, batch);
          NDArray lItc =
              Scalars.div(
                  Batches.softCrossEntropy(sim, targets)
                      .add(Batches.softCrossEntropy(sim.transpose(), targets)),
                  2);

          // pass 2: ITM with hard negatives mined from the whole batch's ITC similarities
          float[] s = Devices.floats(sim);
          int neg = n - n / 2;
          int[] negative = new int[neg];
          for (int i = 0; i < neg; i++) {
            negative[i] = hardNegative(s, i, n, all, rng);
          }
          List<String> itmTexts = new ArrayList<>();
          float[] labels = new float[b];
          for (int i = shard.from(); i < shard.to(); i++) {
            if (i < neg) {
              itmTexts.add(all.get(negative[i]));
            } else {
              itmTexts.add(all.get(i));
              labels[i - shard.from()] = 1;
            }
          }
          long[][] itm = new long[b][];
          int lm = 0;
          for (int i = 0; i < b; i++) {
            long[] body = tokenizer.encode(itmTexts.get(i), false);
            int keep = Math.min(body.length, ClipText.MAX_LENGTH - 2);
            itm[i] = new long[keep + 2];
            itm[i][0] = bos;
            System.arraycopy(body, 0, itm[i], 1, keep);
            itm[i][keep + 1] = eos;
            lm = Math.max(lm, itm[i].length);
          }
          float[][] itmMask = new float[b][];
          for (int i = 0; i < b; i++) {
            itm[i] = Arrays.copyOf(itm[i], lm);
            itmMask[i] = mask(nq, itm[i], true, true);
          }
          NDArray itmHidden = pass(cg, itm, itmMask, vision, batch);
          NDArray pooled = itmHidden.get(":, :" + nq + ", :").mean(new int[] {1});
          NDArray itmLogits =
              FusedLinear.apply(
                  pooled,
                  model.itmHead().get("itm_head.weight"),
                  model.itmHead().get("itm_head.bias"));
          NDArray oneHot = batch.create(labels).oneHot(2);
          NDArray lItm = Batches.softCrossEntropy(itmLogits, oneHot);
          if (!shard.isWhole()) {
            lItm = Scalars.mul(lItm, (double) b / n); // this shard's rows' part of the batch mean
          }

          // ITC is the whole batch's in every shard: its value counts once over the shards
          float itcValue = lItc.getFloat() / shard.count();
          parts.merge("itc", itcValue, Float::sum);
          parts.merge("itm", lItm.getFloat(), Float::sum);
          parts.merge("itg", lItg.getFloat(), Float::sum);
          NDArray total = lItc.add(lItm).add(lItg);
          return shard.isWhole()
              ? Share.of(total)
              : new Share(total, itcValue + lItm.getFloat() + lItg.getFloat());
        });
  }

  /**
   * An ITG row: {@code BOS prompt caption EOS}, the caption cut so the row fits {@link
   * ClipText#MAX_LENGTH}.
   *
   * @param tokenizer the tokenizer
   * @param prompt the prompt's ids (no BOS)
   * @param caption the caption
   * @param bos the BOS id
   * @param eos the EOS id
   * @return the ids
   */
  static long[] itgRow(TextTokenizer tokenizer, long[] prompt, String caption, long bos, long eos) {
    long[] body = tokenizer.encode(caption, false);
    int keep = Math.min(body.length, ClipText.MAX_LENGTH - 2 - prompt.length);
    long[] row = new long[1 + prompt.length + keep + 1];
    row[0] = bos;
    System.arraycopy(prompt, 0, row, 1, prompt.length);
    System.arraycopy(body, 0, row, 1 + prompt.length, keep);
    row[row.length - 1] = eos;
    return row;
  }

  /**
   * QLLaMA over {@code [queries; embed(text)]}, positions 0..S-1, the given masks, cross-attending
   * to {@code vision}.
   */
  static NDArray pass(
      InternVlCg cg, long[][] text, float[][] mask, NDArray vision, NDManager batch) {
    int rows = text.length;
    int nq = cg.config().qllama().numQueryTokens();
    int s = nq + text[0].length;
    NDArray queries = Batches.own(cg.headWeights().get("query_tokens").repeat(0, rows), batch);
    NDArray x = NDArrays.concat(new NDList(queries, cg.qllama().embed(text, batch)), 1);
    long[][] pos = new long[rows][s];
    for (long[] p : pos) {
      for (int j = 0; j < s; j++) {
        p[j] = j;
      }
    }
    return cg.qllama().forward(x, pos, mask, null, vision);
  }

  /**
   * The additive mask of one row {@code [nq + L]^2}: queries see each other; text sees earlier text
   * (or all text when {@code bidirectional}); {@code textSeesQueries} and {@code bidirectional}
   * open the T→Q and Q→T blocks; padded keys (id 0) are hidden.
   */
  static float[] mask(int nq, long[] text, boolean textSeesQueries, boolean bidirectional) {
    int s = nq + text.length;
    float[] m = new float[s * s];
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < s; j++) {
        boolean qi = i < nq;
        boolean qj = j < nq;
        boolean visible;
        if (qi && qj) {
          visible = true;
        } else if (qi) {
          visible = bidirectional;
        } else if (qj) {
          visible = textSeesQueries || bidirectional;
        } else {
          visible = bidirectional || j <= i;
        }
        if (!qj && text[j - nq] == 0) {
          visible = false;
        }
        m[i * s + j] = visible ? 0f : MASKED;
      }
    }
    return m;
  }

  private static int count(long[] ids) {
    int n = 0;
    for (long id : ids) {
      n += id > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Draws j != i (with a different caption) with probability softmax(sim[i][j]) over the
   * candidates.
   */
  private static int hardNegative(
      float[] sim, int i, int b, List<String> captions, SplittableRandom rng) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < b; j++) {
      if (j != i && !captions.get(j).equals(captions.get(i))) {
        max = Math.max(max, sim[i * b + j]);
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return (i + 1) % b;
    }
    double[] w = new double[b];
    double total = 0;
    for (int j = 0; j < b; j++) {
      if (j != i && !captions.get(j).equals(captions.get(i))) {
        w[j] = Math.exp(sim[i * b + j] - max);
        total += w[j];
      }
    }
    double u = rng.nextDouble() * total;
    for (int j = 0; j < b; j++) {
      u -= w[j];
      if (w[j] > 0 && u <= 0) {
        return j;
      }
    }
    return (i + 1) % b;
  }

  @Override
  public void afterUpdate() {
    ContrastiveObjective.clampLogitScale(cg);
  }
}
