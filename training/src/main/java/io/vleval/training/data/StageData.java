package io.vleval.training.data;

import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.Sample;

/**
 * What one stage trains on: its examples, of the type its kind reads, and the decoder that turns
 * their images into pixels when a batch is drawn. Exactly one kind of examples is present.
 *
 * @param images images with texts (contrastive, generative)
 * @param texts texts (the {@code lm_head} warm-up)
 * @param conversations instruction turns (SFT)
 * @param warmup texts and conversations without images (the LM warm-up)
 * @param pixels decodes and preprocesses images, with a bounded cache
 */
public record StageData(
    Examples<ImageText> images,
    Examples<Text> texts,
    Examples<Conversation> conversations,
    Examples<Sample> warmup,
    ImagePixels pixels)
    implements AutoCloseable {

  /**
   * @param images images with texts
   * @param pixels the decoder
   * @return the data of a contrastive or generative stage
   */
  public static StageData ofImages(Examples<ImageText> images, ImagePixels pixels) {
    return new StageData(images, null, null, null, pixels);
  }

  /**
   * @param texts texts
   * @param pixels the decoder
   * @return the data of an {@code lm_head} warm-up
   */
  public static StageData ofTexts(Examples<Text> texts, ImagePixels pixels) {
    return new StageData(null, texts, null, null, pixels);
  }

  /**
   * @param conversations instruction turns
   * @param pixels the decoder
   * @return the data of an SFT stage
   */
  public static StageData ofConversations(
      Examples<Conversation> conversations, ImagePixels pixels) {
    return new StageData(null, null, conversations, null, pixels);
  }

  /**
   * @param warmup texts and conversations
   * @param pixels the decoder
   * @return the data of an LM warm-up
   */
  public static StageData ofWarmup(Examples<Sample> warmup, ImagePixels pixels) {
    return new StageData(null, null, null, warmup, pixels);
  }

  /**
   * @return the images with texts
   */
  @Override
  public Examples<ImageText> images() {
    return present(images, "images with texts");
  }

  /**
   * @return the texts
   */
  @Override
  public Examples<Text> texts() {
    return present(texts, "texts");
  }

  /**
   * @return the instruction turns
   */
  @Override
  public Examples<Conversation> conversations() {
    return present(conversations, "conversations");
  }

  /**
   * @return the warm-up's texts and conversations
   */
  @Override
  public Examples<Sample> warmup() {
    return present(warmup, "warm-up texts");
  }

  private static <T> T present(T examples, String what) {
    if (examples == null) {
      throw new IllegalStateException("this stage's data holds no " + what);
    }
    return examples;
  }

  /** Closes the stream the examples read, if they stream. */
  @Override
  public void close() {
    for (Examples<?> e : new Examples<?>[] {images, texts, conversations, warmup}) {
      if (e != null) {
        e.close();
      }
    }
  }
}
