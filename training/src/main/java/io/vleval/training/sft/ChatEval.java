package io.vleval.training.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.GenerationSettings;
import io.vleval.model.internvl.chat.ConversationTemplate;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.TrainingData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quick held-out metrics of a chat model, decoded greedily as the {@code internvl} provider does
 * (same prompt, same image tokens, stop at the template's separator):
 *
 * <ul>
 *   <li>{@code mc_heldout_accuracy}: questions of {@link InstructionData} built from the
 *       classification-val and captions-test images, the reply mapped to a letter by the
 *       reference's post-processing; {@code mc_heldout_chance} = mean of 1 / options;
 *   <li>{@code mmbench_dev_accuracy}: every row of the suite's MMBench TSV (circular variants
 *       counted as rows), and its {@code mmbench_dev_chance};
 *   <li>{@code caption_exact_match}: the share of captions-test images whose "English caption:"
 *       reply equals one of the references.
 * </ul>
 */
public final class ChatEval {

  private ChatEval() {}

  /**
   * @param chat the model
   * @param tokenizer its tokenizer
   * @param data the suite
   * @param seed seeds the held-out question draws
   * @return metric → value
   */
  public static Map<String, Double> metrics(
      InternVlChat chat, TextTokenizer tokenizer, TrainingData data, long seed) {
    ChatSequences seq = new ChatSequences(tokenizer, chat.config());
    InstructionData inst = new InstructionData(data);
    long stop =
        tokenizer
            .tokenId(ConversationTemplate.named(chat.config().template()).stopString())
            .orElse(chat.config().llm().eosTokenId());
    Map<String, Double> m = new LinkedHashMap<>();
    List<InstructionData.Turn> held =
        inst.multipleChoice(data, data.classVal(), data.captionTest(), seed + 17);
    double[] a =
        accuracy(
            chat,
            tokenizer,
            seq,
            stop,
            data.imageSize(),
            held.stream()
                .map(t -> new Q(t.pixels(), t.prompt(), t.options(), t.answer()))
                .toList());
    m.put("mc_heldout_accuracy", a[0]);
    m.put("mc_heldout_chance", a[1]);
    m.put("mc_heldout_questions", (double) held.size());
    if (!data.questionsEval().isEmpty()) {
      double[] d =
          accuracy(
              chat,
              tokenizer,
              seq,
              stop,
              data.imageSize(),
              data.questionsEval().stream()
                  .filter(q -> q.pixels() != null)
                  .map(
                      q ->
                          new Q(
                              q.pixels(),
                              TrainingData.prompt(q),
                              q.options().stream().filter(o -> !o.isEmpty()).toList(),
                              q.answer()))
                  .toList());
      m.put("mmbench_dev_accuracy", d[0]);
      m.put("mmbench_dev_chance", d[1]);
    }
    int exact = 0;
    for (TrainingData.Captioned c : data.captionTest()) {
      String reply =
          reply(
              chat,
              tokenizer,
              seq,
              stop,
              data.imageSize(),
              c.pixels(),
              InstructionData.CAPTION_PROMPTS.get(0),
              30);
      exact += c.captions().contains(reply) ? 1 : 0;
    }
    if (!data.captionTest().isEmpty()) {
      m.put("caption_exact_match", exact / (double) data.captionTest().size());
    }
    return m;
  }

  /**
   * The warm-up's check that the LLM answers multiple-choice questions from text: the held-out
   * questions with the picture's description in place of the image ({@link
   * ChatSequences#described}), no image tokens.
   *
   * @param chat the model
   * @param tokenizer its tokenizer
   * @param data the suite
   * @param seed seeds the held-out question draws (as {@link #metrics})
   * @return {@code mc_described_heldout_accuracy} and its {@code _chance}
   */
  public static Map<String, Double> describedMetrics(
      InternVlChat chat, TextTokenizer tokenizer, TrainingData data, long seed) {
    ChatSequences seq = new ChatSequences(tokenizer, chat.config());
    long stop =
        tokenizer
            .tokenId(ConversationTemplate.named(chat.config().template()).stopString())
            .orElse(chat.config().llm().eosTokenId());
    List<InstructionData.Turn> held =
        new InstructionData(data)
            .multipleChoice(data, data.classVal(), data.captionTest(), seed + 17);
    double[] a =
        accuracy(
            chat,
            tokenizer,
            seq,
            stop,
            data.imageSize(),
            held.stream()
                .map(
                    t ->
                        new Q(
                            null,
                            ChatSequences.described(t.prompt(), t.description()),
                            t.options(),
                            t.answer()))
                .toList());
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mc_described_heldout_accuracy", a[0]);
    m.put("mc_described_heldout_chance", a[1]);
    return m;
  }

  private record Q(float[] pixels, String prompt, List<String> options, String answer) {}

  private static double[] accuracy(
      InternVlChat chat, TextTokenizer tok, ChatSequences seq, long stop, int size, List<Q> qs) {
    int right = 0;
    double chance = 0;
    for (Q q : qs) {
      // room for a text reply ("triangle" is 9 characters); a letter reply stops at the separator
      String reply = reply(chat, tok, seq, stop, size, q.pixels(), q.prompt(), 12);
      right += InstructionData.letterOf(reply, q.options()).equals(q.answer()) ? 1 : 0;
      chance += 1.0 / q.options().size();
    }
    return qs.isEmpty()
        ? new double[] {Double.NaN, Double.NaN}
        : new double[] {right / (double) qs.size(), chance / qs.size()};
  }

  /**
   * The greedy reply to one turn about one preprocessed image.
   *
   * @param chat the model
   * @param tok its tokenizer
   * @param seq the model's sequences
   * @param stop the separator id
   * @param size the image side
   * @param pixels {@code 3 x S x S}, or null for a text-only turn
   * @param question the user message
   * @param maxNew the most new tokens
   * @return the reply, cut at the separator and stripped
   */
  static String reply(
      InternVlChat chat,
      TextTokenizer tok,
      ChatSequences seq,
      long stop,
      int size,
      float[] pixels,
      String question,
      int maxNew) {
    long[] ids = seq.prompt(question, pixels != null);
    try (NDManager batch = chat.manager().newSubManager()) {
      NDArray image =
          pixels == null
              ? null
              : chat.extractFeature(batch.create(pixels, new Shape(1, 3, size, size)));
      NDArray emb = chat.inputEmbeddings(ids, image, seq.contextId(), batch);
      try (PromptDecoding state = chat.decoding(emb, true, batch)) {
        long[] out = Generator.generate(state, GenerationSettings.greedy(maxNew), Set.of(stop));
        String text = tok.decode(out, true);
        String sep = ConversationTemplate.named(chat.config().template()).stopString();
        int cut = text.indexOf(sep);
        return (cut >= 0 ? text.substring(0, cut) : text).strip();
      }
    }
  }
}
