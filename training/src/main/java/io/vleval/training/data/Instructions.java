package io.vleval.training.data;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.tasks.mmbench.MmbenchProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Instruction-tuning turns (stage 3) from the samples of any dataset, all as {@link Conversation}s
 * in LLaVA's shape (user and assistant turns, an {@code <image>} placeholder where the image goes):
 *
 * <ul>
 *   <li>a {@link Conversation} (LLaVA-format data) as it is, every turn kept;
 *   <li>a {@link MultipleChoiceQuestion} as one turn with the prompt the {@code mmbench} task
 *       builds ({@link MmbenchProvider#prompt}: hint, question, lettered options, the instruction),
 *       its reply the right letter or the right option's text; with {@code circular}, one turn per
 *       circular shift of the options, so every letter is the answer equally often;
 *   <li>a {@link CaptionedImage} as captioning turns: a prompt ({@link #CAPTION_PROMPTS}) and one
 *       reference caption, both drawn from the seed and the sample's id.
 * </ul>
 */
public final class Instructions {

  /** The captioning prompts (the first is InternVL-G's captioning prompt). */
  public static final List<String> CAPTION_PROMPTS =
      List.of("English caption:", "Describe the image in one sentence.");

  /** The instruction the {@code mmbench} task appends by default (its English one). */
  public static final String MMBENCH_INSTRUCTION =
      new MmbenchProvider.Spec(null, null, null, null).instruction();

  private Instructions() {}

  /**
   * A conversation of a dataset as a training example: its id qualified by the dataset's name.
   *
   * @param dataset the dataset's name
   * @param c the conversation
   * @return the example
   * @throws DatasetFormatException (a malformed entry, which {@code on_error: skip} leaves out)
   *     when no assistant turn gives the model something to learn
   */
  public static Conversation conversation(String dataset, Conversation c) {
    if (c.turns().stream().noneMatch(t -> t.role().equals(Conversation.Turn.ASSISTANT))) {
      throw DatasetFormatException.forSample(
          c.id(),
          "dataset '" + dataset + "'",
          "conversation '" + c.id() + "'",
          "has no reply (no 'gpt' turn); expected at least one turn to learn from");
    }
    return new Conversation(dataset + "/" + c.id(), c.images(), c.turns());
  }

  /**
   * A multiple-choice question as instruction turns.
   *
   * @param dataset the dataset's name
   * @param q the question
   * @param circular whether to add every circular shift of its options (consecutive)
   * @param textReply whether the reply is the right option's text instead of its letter
   * @return one turn, or one per shift
   * @throws DatasetFormatException (a malformed entry, which {@code on_error: skip} leaves out)
   *     when the question has no answer
   */
  public static List<Conversation> multipleChoice(
      String dataset, MultipleChoiceQuestion q, boolean circular, boolean textReply) {
    List<String> options = q.options().stream().filter(o -> !o.isEmpty()).toList();
    int right = q.answer() == null || q.answer().length() != 1 ? -1 : q.answer().charAt(0) - 'A';
    if (right < 0 || right >= options.size()) {
      throw DatasetFormatException.forSample(
          q.id(),
          "dataset '" + dataset + "'",
          "question '" + q.id() + "'",
          "has "
              + (q.answer() == null ? "no answer" : "the answer '" + q.answer() + "'")
              + "; training needs the letter of one of its "
              + options.size()
              + " options");
    }
    int k = options.size();
    List<Conversation> out = new ArrayList<>();
    for (int shift = 0; shift < (circular ? k : 1); shift++) {
      List<String> rotated = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        rotated.add(options.get((i + shift) % k));
      }
      String letter = String.valueOf((char) ('A' + Math.floorMod(right - shift, k)));
      MultipleChoiceQuestion shown =
          new MultipleChoiceQuestion(
              q.id(),
              q.questionIndex(),
              q.image(),
              q.question(),
              q.hint(),
              rotated,
              letter,
              q.category(),
              q.l2Category());
      String prompt = MmbenchProvider.prompt(shown, MMBENCH_INSTRUCTION);
      out.add(
          new Conversation(
              dataset + "/" + q.id() + (circular ? "#" + shift : ""),
              q.image() == null ? List.of() : List.of(q.image()),
              List.of(
                  new Conversation.Turn(
                      Conversation.Turn.USER,
                      q.image() == null ? prompt : Conversation.IMAGE_PLACEHOLDER + "\n" + prompt),
                  new Conversation.Turn(
                      Conversation.Turn.ASSISTANT, textReply ? options.get(right) : letter))));
    }
    return out;
  }

  /**
   * Captioning turns about a captioned image, each a prompt and one of its reference captions,
   * drawn from the seed and the sample's id (so the same whichever order the samples come in).
   *
   * @param dataset the dataset's name
   * @param c the image
   * @param turns how many
   * @param seed the seed
   * @return the turns
   */
  public static List<Conversation> captioning(
      String dataset, CaptionedImage c, int turns, long seed) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + hash(dataset + "/" + c.id()));
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < turns; i++) {
      String prompt = CAPTION_PROMPTS.get(r.nextInt(CAPTION_PROMPTS.size()));
      String caption = c.captions().get(r.nextInt(c.captions().size()));
      out.add(
          new Conversation(
              dataset + "/" + c.id() + "#caption" + i,
              List.of(c.image()),
              List.of(
                  new Conversation.Turn(
                      Conversation.Turn.USER, Conversation.IMAGE_PLACEHOLDER + "\n" + prompt),
                  new Conversation.Turn(Conversation.Turn.ASSISTANT, caption))));
    }
    return out;
  }

  /** FNV-1a over the UTF-8 bytes: a hash that is the same in every JVM. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
