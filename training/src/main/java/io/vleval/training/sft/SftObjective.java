package io.vleval.training.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.ImageSource;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.StageData;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.Shard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 3, supervised fine-tuning of InternVL-Chat (INTERNVL.md §5.4) on the stage's instruction
 * turns ({@link io.vleval.training.data.Instructions}: LLaVA-format conversations, multiple-choice
 * questions with the MMBench prompt, captioning turns): next-token cross-entropy on the replies and
 * their separators only, through the conversation template and the image placeholder tokens, with
 * the image tokens ({@code extract_feature}: InternViT, pixel shuffle, {@code mlp1}) in place of
 * {@code <IMG_CONTEXT>}, each image's in the order its placeholder comes. {@code mlp1} trains; the
 * LLM and the vision tower are frozen unless the stage's {@code unfreeze} lists {@code llm} /
 * {@code vision}.
 */
public final class SftObjective implements Objective {

  private final ChatStageModel model;
  private final ChatSequences sequences;
  private final Examples<Conversation> data;
  private final ImagePixels pixels;

  /**
   * @param model the chat model
   * @param tokenizer its tokenizer
   * @param data the instruction turns, and their images' decoder
   */
  public SftObjective(ChatStageModel model, TextTokenizer tokenizer, StageData data) {
    this.model = model;
    this.sequences = new ChatSequences(tokenizer, model.chat().config());
    this.data = data.conversations();
    this.pixels = data.pixels();
  }

  /**
   * @param name a parameter name of {@link ChatStageModel}
   * @param unfreeze parts trained besides {@code mlp1}: {@code llm}, {@code vision}
   * @return whether SFT trains it
   */
  public static boolean trains(String name, Set<String> unfreeze) {
    return name.startsWith("mlp1.")
        || unfreeze.contains("llm") && name.startsWith("language_model.")
        || unfreeze.contains("vision") && name.startsWith("vision_model.");
  }

  /**
   * @param sample what the order drew
   * @return its ids and targets, its images given as image tokens
   */
  ChatSequences.Encoded encoded(int sample) {
    return sequences.conversation(data.get(sample), true, false);
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
    Map<Integer, ChatSequences.Encoded> encoded = new HashMap<>();
    for (int s : shard.samples()) {
      encoded.computeIfAbsent(s, this::encoded);
    }
    List<ChatSequences.Encoded> rows = new ArrayList<>();
    List<ImageSource> images = new ArrayList<>();
    for (int s : shard.own()) {
      rows.add(encoded.get(s));
      images.addAll(data.get(s).images());
    }
    NDArray image = null;
    if (!images.isEmpty()) {
      int side = pixels.size();
      image =
          model
              .chat()
              .extractFeature(
                  batch.create(pixels.batch(images), new Shape(images.size(), 3, side, side)));
      image.attach(batch);
    }
    // the mean over the whole micro-batch's targets (this shard's part of it)
    List<ChatSequences.Encoded> all = new ArrayList<>();
    for (int s : shard.samples()) {
      all.add(encoded.get(s));
    }
    int targets = ChatSequences.targets(all);
    return Pass.of(Share.of(sequences.loss(model.chat(), rows, image, batch, targets)), Map.of());
  }
}
