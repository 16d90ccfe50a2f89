package io.vleval.training.sft;

import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The LM warm-up: the chat model's tiny LLM, which stands in for the pre-trained chat LLM of the
 * reference (Vicuna-7B/13B v1.5 for v1.0, InternLM2-chat for v1.5), is trained as a causal LM on
 * the suite's text, every token a target:
 *
 * <ul>
 *   <li>each reference caption of the captions-train images, {@code BOS caption EOS};
 *   <li>text-only multiple-choice turns of the training images (every circular shift, other draws
 *       than SFT's) with the picture <em>described</em> where the image goes ({@code <img>a blue
 *       circle</img>}, {@link ChatSequences#described}), the reply (letter and separator) the
 *       target: the reference's chat LLM arrives able to pick an option letter from text, and a
 *       tiny random LLM does not learn that lookup during SFT, where it must learn to read the
 *       image at the same time (README, stage 3);
 *   <li>captioning turns in the model's conversation template with a caption, every token a target,
 *       the image block left as its placeholder tokens ({@code <img><IMG_CONTEXT>...</img>}, no
 *       image), since the LLM stood in for is a chat model that knows its template.
 * </ul>
 *
 * <p>Only {@code language_model.*} trains; the vision tower and {@code mlp1} are not used.
 */
public final class LmWarmupObjective implements Objective {

  private final ChatStageModel model;
  private final ChatSequences sequences;
  private final List<ChatSequences.Encoded> samples = new ArrayList<>();

  /**
   * @param model the chat model
   * @param tokenizer its tokenizer
   * @param data the suite
   * @param seed seeds the question and caption draws
   * @param textReply whether a multiple-choice reply is the right option's text instead of its
   *     letter
   */
  public LmWarmupObjective(
      ChatStageModel model,
      TextTokenizer tokenizer,
      TrainingData data,
      long seed,
      boolean textReply) {
    this.model = model;
    this.sequences = new ChatSequences(tokenizer, model.chat().config());
    long eos = model.chat().config().llm().eosTokenId();
    InstructionData inst = new InstructionData(data);
    for (TrainingData.Captioned c : data.captionTrain()) {
      for (String caption : c.captions()) {
        samples.add(sequences.text(caption, eos));
      }
    }
    // the picture in words where the image goes, so the letter can be known and is the target
    // (README, stage 3)
    for (InstructionData.Turn t :
        inst.multipleChoice(
            data,
            data.classTrain(),
            data.captionTrain(),
            data.sceneTrain(),
            seed + 101,
            true,
            textReply)) {
      samples.add(
          sequences.turn(
              ChatSequences.described(t.prompt(), t.description()), t.answer(), false, false));
    }
    for (InstructionData.Turn t : inst.captioning(data.captionTrain(), 1, seed + 102)) {
      ChatSequences.Encoded e = sequences.turn(t.prompt(), t.answer(), true, true);
      samples.add(
          new ChatSequences.Encoded(
              e.ids(), e.target(), 0)); // the placeholders stay text: no image here
    }
  }

  /**
   * @param name a parameter name of {@link ChatStageModel}
   * @return whether the warm-up trains it (the LLM only)
   */
  public static boolean trains(String name) {
    return name.startsWith("language_model.");
  }

  @Override
  public int size() {
    return samples.size();
  }

  @Override
  public Pass forward(Shard shard, int step, NDManager batch) {
    List<ChatSequences.Encoded> rows = new ArrayList<>();
    for (int i : shard.own()) {
      rows.add(samples.get(i));
    }
    // the mean over the whole micro-batch's targets (this shard's part of it)
    int targets = ChatSequences.targets(samples, shard.samples());
    return Pass.of(Share.of(sequences.loss(model.chat(), rows, null, batch, targets)), Map.of());
  }
}
