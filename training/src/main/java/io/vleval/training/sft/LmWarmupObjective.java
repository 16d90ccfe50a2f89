package io.vleval.training.sft;

import ai.djl.ndarray.NDManager;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.Sample;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.StageData;
import io.vleval.training.data.Text;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.SampleOrder;
import io.vleval.training.loop.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The LM warm-up: the chat model's tiny LLM, which stands in for the pre-trained chat LLM of the
 * reference (Vicuna-7B/13B v1.5 for v1.0, InternLM2-chat for v1.5), is trained as a causal LM on
 * the stage's text, every token a target but the image tokens:
 *
 * <ul>
 *   <li>each reference caption of the {@code captions} images, {@code BOS caption EOS};
 *   <li>one captioning turn per {@code captions} image and every {@code conversations}
 *       conversation, in the model's conversation template, each image block left as its
 *       placeholder tokens ({@code <img><IMG_CONTEXT>...</img>}, no image), since the LLM stood in
 *       for is a chat model that knows its template.
 * </ul>
 *
 * <p>Multiple-choice questions are not read: without the image nothing in their text tells the
 * answer. Only {@code language_model.*} trains; the vision tower and {@code mlp1} are not used.
 */
public final class LmWarmupObjective implements Objective {

  private final ChatStageModel model;
  private final ChatSequences sequences;
  private final Examples<Sample> data;
  private final long eos;

  /**
   * @param model the chat model
   * @param tokenizer its tokenizer
   * @param data the texts and conversations
   */
  public LmWarmupObjective(ChatStageModel model, TextTokenizer tokenizer, StageData data) {
    this.model = model;
    this.sequences = new ChatSequences(tokenizer, model.chat().config());
    this.data = data.warmup();
    this.eos = model.chat().config().llm().eosTokenId();
  }

  /**
   * @param name a parameter name of {@link ChatStageModel}
   * @return whether the warm-up trains it (the LLM only)
   */
  public static boolean trains(String name) {
    return name.startsWith("language_model.");
  }

  /**
   * @param sample what the order drew
   * @return its ids, every token but the image placeholders a target
   */
  ChatSequences.Encoded encoded(int sample) {
    Sample s = data.get(sample);
    if (s instanceof Text t) {
      return sequences.text(t.text(), eos);
    }
    return sequences.conversation((Conversation) s, false, true);
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
    List<ChatSequences.Encoded> rows = new ArrayList<>();
    for (int i : shard.own()) {
      rows.add(encoded(i));
    }
    List<ChatSequences.Encoded> all = new ArrayList<>();
    for (int i : shard.samples()) {
      all.add(encoded(i));
    }
    // the mean over the whole micro-batch's targets (this shard's part of it)
    int targets = ChatSequences.targets(all);
    return Pass.of(Share.of(sequences.loss(model.chat(), rows, null, batch, targets)), Map.of());
  }
}
