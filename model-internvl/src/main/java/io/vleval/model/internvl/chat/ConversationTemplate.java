package io.vleval.model.internvl.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation templates of {@code internvl_chat/internvl/conversation.py} that InternVL-Chat
 * checkpoints name in their config, for one user turn followed by the assistant's (empty) turn.
 *
 * <ul>
 *   <li>MPT style ({@code internlm2-chat}, {@code Hermes-2}, {@code internvl2_5}, {@code
 *       phi3-chat}): {@code system + sep + user_role + question + sep + assistant_role}.
 *   <li>TWO style ({@code vicuna_v1}): {@code system + " " + "USER: " + question + " " +
 *       "ASSISTANT:"}.
 * </ul>
 *
 * @param name the template name
 * @param system the rendered system prompt
 * @param userRole the user role string
 * @param assistantRole the assistant role string
 * @param sep the separator after the system prompt and each message
 * @param colonStyle whether roles are followed by {@code ": "} (TWO style)
 */
public record ConversationTemplate(
    String name,
    String system,
    String userRole,
    String assistantRole,
    String sep,
    boolean colonStyle) {

  /** The default system message of the InternVL-Chat templates. */
  public static final String INTERNVL_SYSTEM =
      "你是由上海人工智能实验室联合商汤科技开发的书生多模态大模型，英文名叫InternVL, 是一个有用无害的人工智能助手。";

  private static final Map<String, ConversationTemplate> TEMPLATES = templates();

  private static Map<String, ConversationTemplate> templates() {
    Map<String, ConversationTemplate> m = new LinkedHashMap<>();
    String imStart = "<|im_start|>system\n" + INTERNVL_SYSTEM;
    m.put(
        "internlm2-chat",
        new ConversationTemplate(
            "internlm2-chat",
            imStart,
            "<|im_start|>user\n",
            "<|im_start|>assistant\n",
            "<|im_end|>",
            false));
    m.put(
        "Hermes-2",
        new ConversationTemplate(
            "Hermes-2",
            imStart,
            "<|im_start|>user\n",
            "<|im_start|>assistant\n",
            "<|im_end|>",
            false));
    m.put(
        "internvl2_5",
        new ConversationTemplate(
            "internvl2_5",
            imStart,
            "<|im_start|>user\n",
            "<|im_start|>assistant\n",
            "<|im_end|>\n",
            false));
    m.put(
        "phi3-chat",
        new ConversationTemplate(
            "phi3-chat",
            "<|system|>\n" + INTERNVL_SYSTEM,
            "<|user|>\n",
            "<|assistant|>\n",
            "<|end|>",
            false));
    m.put(
        "vicuna_v1",
        new ConversationTemplate(
            "vicuna_v1",
            "A chat between a curious human and an artificial "
                + "intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.",
            "USER",
            "ASSISTANT",
            " ",
            true));
    return m;
  }

  /**
   * Returns a template by name.
   *
   * @param name the config's {@code template}
   * @return the template
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static ConversationTemplate named(String name) {
    ConversationTemplate t = TEMPLATES.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown conversation template '" + name + "'; known: " + TEMPLATES.keySet());
    }
    return t;
  }

  /**
   * @return the known template names
   */
  public static List<String> names() {
    return List.copyOf(TEMPLATES.keySet());
  }

  /**
   * Renders one user turn and opens the assistant's.
   *
   * @param question the user message (with any {@code <image>} placeholder)
   * @return the prompt text
   */
  public String prompt(String question) {
    if (colonStyle) {
      return system + sep + userRole + ": " + question + sep + assistantRole + ":";
    }
    return system + sep + userRole + question + sep + assistantRole;
  }

  /**
   * @return the stop string: the separator without surrounding white space, or {@code </s>} for TWO
   *     style
   */
  public String stopString() {
    return colonStyle ? "</s>" : sep.strip();
  }
}
