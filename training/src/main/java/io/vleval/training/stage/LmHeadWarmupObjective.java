package io.vleval.training.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.nd.Scalars;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.StageData;
import io.vleval.training.data.Text;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.Shard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@code lm_head} warm-up between stage 1 and stage 2 ({@code kind: lm-head-warmup}): QLLaMA's
 * {@code lm_head} is trained as the read-out of a causal LM on the suite's captions, and nothing
 * else trains.
 *
 * <p>Why: stage 2 keeps QLLaMA's original weights and {@code lm_head} frozen (INTERNVL.md §5.2),
 * which works in the reference because QLLaMA starts from a pre-trained LLaMA whose {@code lm_head}
 * already predicts words. Here QLLaMA is random and stage 1 never trains {@code lm_head}, so stage
 * 2's ITG loss sits at ln(vocab) and cannot fall. This stage stands in for that part of LLaMA's
 * pre-training, as {@code lm-warmup} stands in for Vicuna's in stage 3.
 *
 * <p>What: every caption of every image of the stage's {@code captions}, text only, as stage 2's
 * ITG row without the queries: {@code BOS "English caption:" caption EOS}, QLLaMA's causal +
 * padding mask, positions {@code 0..L-1}; next-token cross-entropy with ITG's labels (the prompt's
 * ":", the caption and EOS; pads and the rest of the prompt ignored), averaged over the targets. So
 * the warm-up's loss is ITG with the image taken away, and stage 2's ITG compares with it directly.
 * The prompt is there because a head trained on bare {@code BOS caption EOS} never has ":" as a
 * target and learns to rule it out; frozen in stage 2, that one target kept ITG about 0.75 higher
 * (2.37 against 1.62 after 40 stage-2 steps, 400 warm-up steps at lr 5e-2 either way; README,
 * "Stage 2").
 *
 * <p>Only {@code lm_head} ({@code qllama.head}) trains. The final norm does not: it is on the text
 * path (the text feature is the final-normed EOS state times {@code text_projection}) and on the
 * query path, where stage 1's contrastive alignment lives, and it would add nothing to the LM:
 * {@code lm_head · diag(g)} is again a linear map, which {@code lm_head} alone can learn.
 * Everything before {@code lm_head} is frozen, so the hidden states are fixed and the stage is a
 * softmax regression on them (convex): no gradient reaches the decoder, and every other weight of
 * the checkpoint is bitwise the input's (in float32; a {@code mixed-float16} run rounds every
 * weight through float16).
 */
public final class LmHeadWarmupObjective implements Objective {

  /**
   * The one trained parameter: QLLaMA's {@code lm_head} ({@code qllama.lm_head.weight} in a
   * checkpoint).
   */
  public static final String LM_HEAD = "qllama.head";

  private final InternVlCg cg;
  private final TextTokenizer tokenizer;
  private final long[] prompt;
  private final Examples<Text> data;

  /**
   * @param model the model (stage 1's, usually)
   * @param tokenizer its tokenizer
   * @param data the captions, as texts
   */
  public LmHeadWarmupObjective(CgStageModel model, TextTokenizer tokenizer, StageData data) {
    this.cg = model.cg();
    this.tokenizer = tokenizer;
    this.prompt = tokenizer.encode(GenerativeObjective.PROMPT, false);
    this.data = data.texts();
  }

  /** A sample's ITG row: {@code BOS "English caption:" caption EOS}. */
  private long[] row(int sample) {
    return GenerativeObjective.itgRow(
        tokenizer,
        prompt,
        data.get(sample).text(),
        cg.config().qllama().bosTokenId(),
        cg.config().qllama().eosTokenId());
  }

  /**
   * @param name a parameter name of {@link CgStageModel}
   * @return whether the warm-up trains it ({@code lm_head} only)
   */
  public static boolean trains(String name) {
    return name.equals(LM_HEAD);
  }

  @Override
  public int size() {
    return data.size();
  }

  @Override
  public SampleOrder order(long seed) {
    return data.order(seed);
  }

  @Override
  public Pass forward(Shard shard, int step, NDManager batch) {
    List<long[]> picked = new ArrayList<>();
    for (int s : shard.own()) {
      picked.add(row(s));
    }
    Batches.TokenLoss t = textLoss(cg, pad(picked), prompt.length, batch);
    if (shard.isWhole()) {
      return Pass.of(Share.of(t.mean()), Map.of());
    }
    int targets = 0;
    for (int s : shard.samples()) {
      targets += Batches.targets(row(s), prompt.length);
    }
    // this shard's targets' part of the mean over the whole batch's targets
    return Pass.of(Share.of(Scalars.div(t.sum(), Math.max(1, targets))), Map.of());
  }

  /**
   * The summed next-token loss of text rows through QLLaMA's text path and {@code lm_head}.
   *
   * @param cg the model
   * @param ids right-padded rows
   * @param firstLabel the first index of a row whose token is a target
   * @param batch owns the arrays
   * @return the summed loss and the number of targets
   */
  static Batches.TokenLoss textLoss(InternVlCg cg, long[][] ids, int firstLabel, NDManager batch) {
    NDArray logProbs = cg.qllama().logits(cg.textHidden(ids, batch)).logSoftmax(-1);
    return Batches.nextTokenLoss(
        logProbs, ids, firstLabel, cg.config().qllama().vocabSize(), batch);
  }

  /** Right-pads rows with 0 to the longest. */
  static long[][] pad(List<long[]> rows) {
    int l = rows.stream().mapToInt(r -> r.length).max().orElse(1);
    long[][] out = new long[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOf(rows.get(i), l);
    }
    return out;
  }
}
