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
import io.vleval.training.data.Instructions;
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
 *   <li>{@code mmbench_dev_accuracy}: every held-out multiple-choice row (circular variants counted
 *       as rows), the reply mapped to a letter by the reference's post-processing, and its {@code
 *       mmbench_dev_chance} = mean of 1 / options;
 *   <li>{@code caption_exact_match}: the share of held-out captioned images whose "English
 *       caption:" reply equals one of the references.
 * </ul>
 */
public final class ChatEval {

  private ChatEval() {}

  /**
   * @param chat the model
   * @param tokenizer its tokenizer
   * @param data the held-out data
   * @param seed unused (the held-out rows are read as they are)
   * @return metric → value
   */
  public static Map<String, Double> metrics(
      InternVlChat chat, TextTokenizer tokenizer, TrainingData data, long seed) {
    ChatSequences seq = new ChatSequences(tokenizer, chat.config());
    long stop =
        tokenizer
            .tokenId(ConversationTemplate.named(chat.config().template()).stopString())
            .orElse(chat.config().llm().eosTokenId());
    Map<String, Double> m = new LinkedHashMap<>();
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
              Instructions.CAPTION_PROMPTS.get(0),
              30);
      exact += c.captions().contains(reply) ? 1 : 0;
    }
    if (!data.captionTest().isEmpty()) {
      m.put("caption_exact_match", exact / (double) data.captionTest().size());
    }
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
      right += letterOf(reply, q.options()).equals(q.answer()) ? 1 : 0;
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

  /**
   * The reference's MMBench post-processing ({@code post_process}): stripped; one character → it; a
   * leading option letter → it; else the letter whose option text the reply contains; else the
   * reply.
   *
   * @param reply the model's reply
   * @param options the option texts in letter order
   * @return the predicted letter (or the raw reply)
   */
  static String letterOf(String reply, List<String> options) {
    String s = reply.strip();
    if (s.length() == 1) {
      return s;
    }
    if (!s.isEmpty() && s.charAt(0) >= 'A' && s.charAt(0) < 'A' + options.size()) {
      return s.substring(0, 1);
    }
    for (int i = 0; i < options.size(); i++) {
      if (!options.get(i).isEmpty() && s.contains(options.get(i))) {
        return String.valueOf((char) ('A' + i));
      }
    }
    return s;
  }
}
