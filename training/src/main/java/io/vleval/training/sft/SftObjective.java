package io.vleval.training.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.Shard;
import io.vleval.training.spec.StageSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 3, supervised fine-tuning of InternVL-Chat (INTERNVL.md §5.4) on the image-grounded turns
 * of {@link InstructionData} (multiple-choice questions of the training images and scenes, every
 * circular shift of their options so each letter is the answer equally often, the reply the letter
 * or, with {@code mc_reply: text}, the right option's text; and {@code caption_turns} captioning
 * turns per captions-train image, two by default): next-token cross-entropy on the reply and the
 * separator only, through the conversation template and the image placeholder tokens, with the
 * image tokens ({@code extract_feature}: InternViT, pixel shuffle, {@code mlp1}) in place of {@code
 * <IMG_CONTEXT>}. {@code mlp1} trains; the LLM and the vision tower are frozen unless the stage's
 * {@code unfreeze} lists {@code llm} / {@code vision}.
 */
public final class SftObjective implements Objective {

  private final ChatStageModel model;
  private final ChatSequences sequences;
  private final List<InstructionData.Turn> turns = new ArrayList<>();
  private final List<ChatSequences.Encoded> encoded = new ArrayList<>();
  private final int size;
  private int multipleChoice;

  /**
   * @param model the chat model
   * @param tokenizer its tokenizer
   * @param data the suite
   * @param seed seeds the question and caption draws
   * @param textReply whether a multiple-choice reply is the right option's text instead of its
   *     letter
   */
  public SftObjective(
      ChatStageModel model,
      TextTokenizer tokenizer,
      TrainingData data,
      long seed,
      boolean textReply) {
    this(model, tokenizer, data, seed, textReply, StageSpec.DEFAULT_CAPTION_TURNS);
  }

  /**
   * @param model the chat model
   * @param tokenizer its tokenizer
   * @param data the suite
   * @param seed seeds the question and caption draws
   * @param textReply whether a multiple-choice reply is the right option's text instead of its
   *     letter
   * @param captionTurns captioning turns per captions-train image ({@code caption_turns})
   */
  public SftObjective(
      ChatStageModel model,
      TextTokenizer tokenizer,
      TrainingData data,
      long seed,
      boolean textReply,
      int captionTurns) {
    this.model = model;
    this.sequences = new ChatSequences(tokenizer, model.chat().config());
    this.size = data.imageSize();
    InstructionData inst = new InstructionData(data);
    turns.addAll(
        inst.multipleChoice(
            data,
            data.classTrain(),
            data.captionTrain(),
            data.sceneTrain(),
            seed,
            true,
            textReply));
    multipleChoice = turns.size();
    turns.addAll(inst.captioning(data.captionTrain(), captionTurns, seed + 1));
    for (InstructionData.Turn t : turns) {
      encoded.add(sequences.turn(t.prompt(), t.answer(), true, false));
    }
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
   * @return the turns in training order: the multiple-choice turns, then the captioning turns (for
   *     tests)
   */
  List<InstructionData.Turn> turns() {
    return Collections.unmodifiableList(turns);
  }

  /**
   * @return the multiple-choice turns and the captioning turns, for the log
   */
  public int[] counts() {
    return new int[] {multipleChoice, turns.size() - multipleChoice};
  }

  @Override
  public int size() {
    return turns.size();
  }

  @Override
  public Pass forward(Shard shard, int step, NDManager batch) {
    int[] idx = shard.own();
    int n = 3 * size * size;
    float[] flat = new float[idx.length * n];
    List<ChatSequences.Encoded> rows = new ArrayList<>();
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(turns.get(idx[i]).pixels(), 0, flat, i * n, n);
      rows.add(encoded.get(idx[i]));
    }
    NDArray pixels = batch.create(flat, new Shape(idx.length, 3, size, size));
    NDArray image = model.chat().extractFeature(pixels);
    image.attach(batch);
    // the mean over the whole micro-batch's targets (this shard's part of it)
    int targets = ChatSequences.targets(encoded, shard.samples());
    return Pass.of(Share.of(sequences.loss(model.chat(), rows, image, batch, targets)), Map.of());
  }
}
