package io.vleval.tasks.mmbench;

import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * VLMEvalKit's LLM answer matching, for the multiple-choice replies its rules ({@link
 * AnswerExtractor#canInfer}) cannot read: {@code extract_answer_from_item} in {@code
 * vlmeval/dataset/utils/multiple_choice.py}.
 *
 * <ol>
 *   <li>The judge gets {@code build_prompt} (or {@code build_prompt_cn} when the question holds a
 *       CJK ideograph, U+4E00..U+9FFF): an instruction to match the answer with the options, two
 *       worked examples, then {@code "Question: <question>?\nOptions: There are several options:
 *       \nA. ...\n...\nAnswer: <the model's reply>\nYour output: "}; no image.
 *   <li>Its reply is read with the same rules ({@code can_infer}); a reply that gives no option, or
 *       that says {@code "Failed to obtain answer via API"}, is asked again, {@value #TRIES} asks
 *       in all.
 *   <li>When no ask gives an option, the option is picked at random among the letters and {@code
 *       Z}, as VLMEvalKit does (here seeded by the task's seed and the row, so a rerun picks the
 *       same).
 * </ol>
 *
 * The judge decodes greedily with at most {@value #MAX_TOKENS} new tokens.
 */
public final class ChoiceJudge {

  /** How often the judge is asked before the random pick. */
  public static final int TRIES = 3;

  /** The judge's length budget: a letter, or a sentence around it. */
  public static final int MAX_TOKENS = 128;

  private static final String API_FAILURE = "Failed to obtain answer via API";
  private static final Pattern CJK = Pattern.compile("[\u4e00-\u9fff]");

  private ChoiceJudge() {}

  /**
   * One reply to read.
   *
   * @param id the row's id (seeds its random pick)
   * @param question the question as the dataset gives it, without hint or options
   * @param choices option letter to option text, in letter order
   * @param prediction the model's reply
   */
  public record Item(String id, String question, Map<String, String> choices, String prediction) {
    public Item {
      choices = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
    }
  }

  /**
   * What the judge made of one reply.
   *
   * @param option the chosen letter, or {@code Z} (none of the options)
   * @param replies the judge's replies, one per ask, in order
   * @param random whether the option is the random pick after {@value #TRIES} unreadable replies
   */
  public record Extraction(String option, List<String> replies, boolean random) {
    public Extraction {
      replies = List.copyOf(replies);
    }
  }

  /** The judge's prompt for one reply. */
  public static String prompt(String question, Map<String, String> choices, String prediction) {
    StringBuilder options = new StringBuilder("There are several options: \n");
    choices.forEach(
        (letter, text) -> options.append(letter).append(". ").append(text).append('\n'));
    String template = CJK.matcher(question).find() ? CHINESE : ENGLISH;
    // Python's str.format with three {} fields: each filled once, whatever the values hold
    String[] parts = template.split("\\{}", -1);
    return parts[0] + question + parts[1] + options + parts[2] + prediction + parts[3];
  }

  /**
   * Asks {@code judge} about every item, batching the asks of one round, and reads its replies.
   *
   * @param seed the task's seed, for the random picks
   */
  public static List<Extraction> extract(ImageChat judge, List<Item> items, long seed) {
    List<List<String>> replies = new ArrayList<>();
    String[] options = new String[items.size()];
    List<String> prompts = new ArrayList<>();
    for (Item item : items) {
      replies.add(new ArrayList<>());
      prompts.add(prompt(item.question(), item.choices(), item.prediction()));
    }
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      open.add(i);
    }
    GenerationSettings settings = GenerationSettings.greedy(MAX_TOKENS);
    for (int round = 0; round < TRIES && !open.isEmpty(); round++) {
      List<ChatRequest> requests = new ArrayList<>();
      for (int i : open) {
        List<String> wellFormed = new ArrayList<>(items.get(i).choices().keySet());
        wellFormed.add("Z");
        requests.add(new ChatRequest(null, prompts.get(i), wellFormed));
      }
      List<String> answers = judge.respond(requests, settings);
      List<Integer> still = new ArrayList<>();
      for (int k = 0; k < open.size(); k++) {
        int i = open.get(k);
        String answer = answers.get(k);
        replies.get(i).add(answer);
        Optional<String> option =
            answer.contains(API_FAILURE)
                ? Optional.empty()
                : AnswerExtractor.canInfer(answer, items.get(i).choices());
        if (option.isPresent()) {
          options[i] = option.get();
        } else {
          still.add(i);
        }
      }
      open = still;
    }
    List<Extraction> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (options[i] != null) {
        out.add(new Extraction(options[i], replies.get(i), false));
      } else {
        out.add(new Extraction(randomPick(items.get(i), seed), replies.get(i), true));
      }
    }
    return out;
  }

  /** VLMEvalKit's {@code rd.choice(list(choices) + ['Z'])}, seeded by the task and the row. */
  static String randomPick(Item item, long seed) {
    List<String> options = new ArrayList<>(item.choices().keySet());
    if (!options.contains("Z")) {
      options.add("Z");
    }
    long h = seed * 0x9E3779B97F4A7C15L;
    for (char c : item.id().toCharArray()) {
      h = (h ^ c) * 0x100000001B3L;
    }
    return options.get(new SplittableRandom(h).nextInt(options.size()));
  }

  private static final String ENGLISH =
      "You are an AI assistant who will help me to match "
          + "an answer with several options of a single-choice question. "
          + "You are provided with a question, several options, and an answer, "
          + "and you need to find which option is most similar to the answer. "
          + "If the meaning of all options are significantly different from the answer, output Z. "
          + "Your should output a single uppercase character in A, B, C, D (if they are valid"
          + " options), and Z. \n"
          + "Example 1: \n"
          + "Question: What is the main object in image?\n"
          + "Options: A. teddy bear B. rabbit C. cat D. dog\n"
          + "Answer: a cute teddy bear\nYour output: A\n"
          + "Example 2: \n"
          + "Question: What is the main object in image?\n"
          + "Options: A. teddy bear B. rabbit C. cat D. dog\n"
          + "Answer: Spider\nYour output: Z\n"
          + "Example 3: \n"
          + "Question: {}?\nOptions: {}\nAnswer: {}\nYour output: ";

  private static final String CHINESE =
      "你是一个帮助我匹配答案与单选题中多个选项的 AI 助手。"
          + "你会被提供：一个问题，多个选项，一个答案。你的任务是找到与答案意义最相近的选项。"
          + "如果所有选项的意义都与答案显著不同，则输出 Z。"
          + "你应该输出一个单个的大写字母，例如 A, B, C, D（如果它们是有效选项），或 Z。"
          + "例 1:"
          + "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 一只可爱的泰迪熊\n输出: A\n"
          + "例 2: \n"
          + "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 蜘蛛\n输出: Z\n"
          + "例 3: \n"
          + "问题: {}?\n选项: {}\n答案: {}\n输出: ";
}
