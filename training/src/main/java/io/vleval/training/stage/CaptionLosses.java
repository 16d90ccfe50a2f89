package io.vleval.training.stage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.preprocess.ImageTransform;
import io.vleval.training.data.TrainingData;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 2's ITG loss on held-out captions (per target token, natural log), the quick check of the
 * {@code lm_head} warm-up and of stage 2. The rows are ITG's, {@code BOS "English caption:" caption
 * EOS}, and the targets ITG's (the prompt's ":", the caption, EOS), in three settings:
 *
 * <ul>
 *   <li>text only: no queries, QLLaMA's text path (what the warm-up trains);
 *   <li>own image: after the queries, with ITG's mask, the queries cross-attending to the caption's
 *       image (stage 2's ITG);
 *   <li>other image: the same with the next image of the list, a control that tells what the image
 *       brings from what the queries and their training bring.
 * </ul>
 *
 * <p>The captions come from the dataset a stage names with {@code heldout:} ({@link #heldout}).
 */
public final class CaptionLosses {

  private static final int BATCH = 32;

  private CaptionLosses() {}

  /**
   * Held-out captioned images as the losses read them: each image squashed to the model's side and
   * normalized as the training images are ({@code ImageTransform.Mode.SQUARE}, ImageNet mean/std),
   * with its captions.
   *
   * @param samples the dataset's samples (a stage's {@code heldout:} dataset)
   * @param imageSize the model's side
   * @return the preprocessed images with their captions
   */
  public static List<TrainingData.Captioned> heldout(List<CaptionedImage> samples, int imageSize) {
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, imageSize);
    List<TrainingData.Captioned> out = new ArrayList<>();
    for (CaptionedImage s : samples) {
      out.add(new TrainingData.Captioned(t.apply(s.image().load()), s.captions()));
    }
    return List.copyOf(out);
  }

  /**
   * The ITG loss of every caption of the images without the queries (no image).
   *
   * @param cg the model
   * @param tokenizer its tokenizer
   * @param items captioned images (captions-test, usually)
   * @return the mean loss per target token
   */
  public static double textOnly(
      InternVlCg cg, TextTokenizer tokenizer, List<TrainingData.Captioned> items) {
    long[] prompt = tokenizer.encode(GenerativeObjective.PROMPT, false);
    List<long[]> rows = rows(cg, tokenizer, prompt, items);
    double sum = 0;
    long count = 0;
    for (int from = 0; from < rows.size(); from += BATCH) {
      try (NDManager batch = cg.manager().newSubManager()) {
        long[][] text =
            LmHeadWarmupObjective.pad(rows.subList(from, Math.min(rows.size(), from + BATCH)));
        Batches.TokenLoss l = LmHeadWarmupObjective.textLoss(cg, text, prompt.length, batch);
        sum += l.sum().getFloat();
        count += l.count();
      }
    }
    return sum / Math.max(1, count);
  }

  /**
   * The ITG loss of every caption of the images, the queries seeing an image.
   *
   * @param cg the model
   * @param tokenizer its tokenizer
   * @param items captioned images (captions-test, usually)
   * @param imageSize the images' side
   * @param ownImage true: each caption's own image; false: the next image of {@code items} (a
   *     control)
   * @return the mean loss per target token
   */
  public static double withImage(
      InternVlCg cg,
      TextTokenizer tokenizer,
      List<TrainingData.Captioned> items,
      int imageSize,
      boolean ownImage) {
    int nq = cg.config().qllama().numQueryTokens();
    long[] prompt = tokenizer.encode(GenerativeObjective.PROMPT, false);
    List<long[]> rows = rows(cg, tokenizer, prompt, items);
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      float[] pixels = items.get(ownImage ? i : (i + 1) % items.size()).pixels();
      for (int c = 0; c < items.get(i).captions().size(); c++) {
        images.add(pixels);
      }
    }
    double sum = 0;
    long count = 0;
    for (int from = 0; from < rows.size(); from += BATCH) {
      int to = Math.min(rows.size(), from + BATCH);
      try (NDManager batch = cg.manager().newSubManager()) {
        long[][] text = LmHeadWarmupObjective.pad(rows.subList(from, to));
        float[][] mask = new float[text.length][];
        for (int i = 0; i < text.length; i++) {
          mask[i] = GenerativeObjective.mask(nq, text[i], true, false);
        }
        NDArray vision = cg.vision(Batches.pixels(images.subList(from, to), imageSize, batch));
        NDArray hidden = GenerativeObjective.pass(cg, text, mask, vision, batch);
        NDArray logProbs = cg.qllama().logits(hidden.get(":, " + nq + ":, :")).logSoftmax(-1);
        Batches.TokenLoss l =
            Batches.nextTokenLoss(
                logProbs, text, prompt.length, cg.config().qllama().vocabSize(), batch);
        sum += l.sum().getFloat();
        count += l.count();
      }
    }
    return sum / Math.max(1, count);
  }

  private static List<long[]> rows(
      InternVlCg cg, TextTokenizer tokenizer, long[] prompt, List<TrainingData.Captioned> items) {
    List<long[]> rows = new ArrayList<>();
    for (TrainingData.Captioned c : items) {
      for (String caption : c.captions()) {
        rows.add(
            GenerativeObjective.itgRow(
                tokenizer,
                prompt,
                caption,
                cg.config().qllama().bosTokenId(),
                cg.config().qllama().eosTokenId()));
      }
    }
    return rows;
  }
}
