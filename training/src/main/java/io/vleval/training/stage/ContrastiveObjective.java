package io.vleval.training.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.clip.InternVlCg;
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
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stage 1 (InternVL-C, INTERNVL.md §5.1): symmetric InfoNCE between {@code
 * clip_projector(InternViT)} and QLLaMA's text features times {@code text_projection}, both
 * L2-normalized, scaled by {@code exp(logit_scale)}: {@code L = ½[CE(s·I·Tᵀ) + CE(s·T·Iᵀ)]}. The
 * temperature is learnable and clamped to {@code [0, ln 100]} after every update, as CLIP does.
 *
 * <p>Pairs come from labelled images (the text is one of {@link #TEMPLATES} filled with the class
 * name, drawn per step) and captioned images (one of the captions, drawn per step). Two samples of
 * the same class (or the same image) in a batch are both positives, with the multi-positive soft
 * targets of the reference's retrieval fine-tuning (§5.3), so a batch with two red circles does not
 * push one away from the other's text.
 *
 * <p>Captions in several languages (the stage's {@code translations}, as stage 1 of the paper mixes
 * LAION-en with LAION-multi and Wukong): each time a captioned image is drawn, its language is
 * drawn uniformly from those it has captions in, then one caption of that language, both from the
 * same per-(seed, step, sample) stream, so the mix is reproducible and every image is seen in every
 * language over the run. With one language nothing extra is drawn. Class prompts stay English.
 *
 * <p>Data parallelism: each shard computes its rows' image and text features and shares them; each
 * then computes the whole batch's loss from the gathered features, back-propagating through its own
 * rows only, so the shards' gradients add up to the batch's. The temperature is live in shard 0's
 * loss only, so its gradient is counted once.
 */
public final class ContrastiveObjective implements Objective {

  /** The prompts class names are trained with (a subset of OpenAI's ImageNet templates). */
  public static final List<String> TEMPLATES =
      List.of(
          "a photo of a {}.",
          "a {}.",
          "a picture of a {}.",
          "an image of a {}.",
          "a rendering of a {}.",
          "a photo of the {}.",
          "a drawing of a {}.",
          "a close-up photo of a {}.");

  /** ln(100): the largest {@code logit_scale} (a logit multiplier of 100). */
  public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

  private final InternVlCg cg;
  private final TextTokenizer tokenizer;
  private final Examples<ImageText> data;
  private final ImagePixels pixels;
  private final long seed;

  /**
   * @param model the model
   * @param tokenizer its tokenizer
   * @param data the labelled and captioned images, and their decoder
   * @param seed seeds the choice of template and caption
   */
  public ContrastiveObjective(
      CgStageModel model, TextTokenizer tokenizer, StageData data, long seed) {
    this.cg = model.cg();
    this.tokenizer = tokenizer;
    this.data = data.images();
    this.pixels = data.pixels();
    this.seed = seed;
  }

  /**
   * The weights stage 1 trains: InternViT, QLLaMA's text path (embeddings, self-attention, MLPs,
   * norms; not the cross-attention, which the text path never uses, nor {@code lm_head}), {@code
   * clip_projector}, {@code text_projection} and {@code logit_scale}.
   *
   * @param name a parameter name of {@link CgStageModel}
   * @return whether it trains
   */
  public static boolean trains(String name) {
    if (name.startsWith("vision_model.")
        || name.startsWith("clip_projector.")
        || name.equals("text_projection")
        || name.equals("logit_scale")) {
      return true;
    }
    if (name.startsWith("qllama.")) {
      String rest = name.substring("qllama.".length());
      return !rest.equals("head") && !rest.matches("\\d+\\.x.*");
    }
    return false;
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
    return List.of("logit_scale");
  }

  /**
   * The text a sample is paired with at a step: one of {@link #TEMPLATES} with the class name for a
   * labelled image, else one of the image's captions, in a language drawn per step when there are
   * several. Reproducible: a function of the seed, the step and the sample only.
   *
   * @param sample what the order drew (labelled images first, then captioned images)
   * @param step the step
   * @return the text
   */
  public String text(int sample, int step) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + (long) step * 7919 + sample);
    ImageText s = data.get(sample);
    if (s.labelled()) {
      return TEMPLATES.get(r.nextInt(TEMPLATES.size())).replace("{}", s.className());
    }
    // no draw for a single language: English-only runs keep their exact random stream
    List<String> captions =
        s.captions().size() == 1
            ? s.primaryCaptions()
            : s.captions().get(r.nextInt(s.captions().size()));
    return captions.get(r.nextInt(captions.size()));
  }

  @Override
  public Pass forward(Shard shard, int step, NDManager batch) {
    List<float[]> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int s : shard.own()) {
      images.add(pixels.of(data.get(s).image()));
      texts.add(text(s, step));
    }
    NDArray px = Batches.pixels(images, pixels.size(), batch);
    NDArray img = InternVlCg.normalize(cg.imageEmbedsC(cg.vision(px)));
    long[][] ids =
        ClipText.encode(
            tokenizer, texts, cg.config().qllama().bosTokenId(), cg.config().qllama().eosTokenId());
    NDArray txt = InternVlCg.normalize(cg.textEmbeds(cg.textHidden(ids, batch), ids));
    return Pass.sharing(
        new NDList(img, txt),
        (all, parts) -> {
          if (shard.index() == 0) {
            parts.put("logit_scale", cg.headWeights().get("logit_scale").getFloat());
          }
          NDArray scale = Batches.temperature(cg, shard, batch);
          NDArray logits = all.get(0).matMul(all.get(1).transpose()).mul(scale);
          NDArray targets = Batches.multiPositiveTargets(keys(shard.samples()), batch);
          NDArray l =
              Scalars.div(
                  Batches.softCrossEntropy(logits, targets)
                      .add(Batches.softCrossEntropy(logits.transpose(), targets)),
                  2);
          // every shard computes the whole loss: its value counts once over the shards
          return new Share(l, Share.value(l) / shard.count());
        });
  }

  /**
   * Who is a positive of whom: one key per labelled image (its class), one per captioned image (its
   * dataset and sample id).
   */
  private List<String> keys(int[] samples) {
    List<String> keys = new ArrayList<>();
    for (int s : samples) {
      ImageText t = data.get(s);
      keys.add(t.labelled() ? "class:" + t.className() : "image:" + t.id());
    }
    return keys;
  }

  @Override
  public void afterUpdate() {
    clampLogitScale(cg);
  }

  /**
   * Clamps {@code logit_scale} to {@code [0, ln 100]} in place.
   *
   * @param cg the model
   */
  static void clampLogitScale(InternVlCg cg) {
    NDArray s = cg.headWeights().get("logit_scale");
    float v = s.getFloat();
    float c = Math.max(0f, Math.min(MAX_LOGIT_SCALE, v));
    if (c != v) {
      s.muli(0).addi(c);
    }
  }
}
