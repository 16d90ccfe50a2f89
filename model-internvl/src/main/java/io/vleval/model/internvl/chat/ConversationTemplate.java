package io.vleval.model.internvl.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation templates of {@code internvl_chat/internvl/conversation.py} that InternVL-Chat
 * checkpoints name in their config, for one user turn followed by the assistant's (empty) turn,
 * rendered as the reference's {@code get_prompt()}.
 *
 * <ul>
 *   <li>MPT style ({@code internlm2-chat}, {@code Hermes-2}, {@code internvl2_5}, {@code
 *       phi3-chat}): {@code system + sep + user_role + question + sep + assistant_role}.
 *   <li>TWO style ({@code vicuna_v1}): {@code system + " " + "USER: " + question + " " +
 *       "ASSISTANT:"}.
 * </ul>
 *
 * <p>The system prompt is {@code systemTemplate} with {@code {system_message}} replaced by the
 * system message: the template's own, or the checkpoint's {@code system_message} when its
 * config.json has one (as the reference's {@code InternVLChatModel} sets it).
 *
 * @param name the template name
 * @param systemTemplate the system prompt with a {@code {system_message}} slot
 * @param systemMessage the system message
 * @param userRole the user role string
 * @param assistantRole the assistant role string
 * @param sep the separator after the system prompt and each message
 * @param colonStyle whether roles are followed by {@code ": "} (TWO style)
 */
public record ConversationTemplate(
    String name,
    String systemTemplate,
    String systemMessage,
    String userRole,
    String assistantRole,
    String sep,
    boolean colonStyle) {

  /**
   * The system message of {@code internlm2-chat}, {@code Hermes-2} and {@code phi3-chat} (InternVL
   * 1.5 and 2).
   */
  public static final String INTERNVL_SYSTEM =
      "你是由上海人工智能实验室联合商汤科技开发的书生多模态大模型，英文名叫InternVL, 是一个有用无害的人工智能助手。";

  /** The system message of {@code internvl2_5} (InternVL 2.5 and 3). */
  public static final String INTERNVL2_5_SYSTEM =
      "你是书生·万象，英文名是InternVL，是由上海人工智能实验室、清华大学及多家合作单位联合开发的多模态大语言模型。";

  private static final String SLOT = "{system_message}";

  private static final Map<String, ConversationTemplate> TEMPLATES = templates();

  private static Map<String, ConversationTemplate> templates() {
    Map<String, ConversationTemplate> m = new LinkedHashMap<>();
    String imStart = "<|im_start|>system\n" + SLOT;
    String user = "<|im_start|>user\n";
    String assistant = "<|im_start|>assistant\n";
    m.put(
        "internlm2-chat",
        new ConversationTemplate(
            "internlm2-chat", imStart, INTERNVL_SYSTEM, user, assistant, "<|im_end|>", false));
    m.put(
        "Hermes-2",
        new ConversationTemplate(
            "Hermes-2", imStart, INTERNVL_SYSTEM, user, assistant, "<|im_end|>", false));
    m.put(
        "internvl2_5",
        new ConversationTemplate(
            "internvl2_5", imStart, INTERNVL2_5_SYSTEM, user, assistant, "<|im_end|>\n", false));
    m.put(
        "phi3-chat",
        new ConversationTemplate(
            "phi3-chat",
            "<|system|>\n" + SLOT,
            INTERNVL_SYSTEM,
            "<|user|>\n",
            "<|assistant|>\n",
            "<|end|>",
            false));
    m.put(
        "vicuna_v1",
        new ConversationTemplate(
            "vicuna_v1",
            SLOT,
            "A chat between a curious human and an artificial "
                + "intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.",
            "USER",
            "ASSISTANT",
            " ",
            true));
    return m;
  }

  /**
   * @param message the system message to use instead of the template's
   * @return this template with that system message
   */
  public ConversationTemplate withSystemMessage(String message) {
    return new ConversationTemplate(
        name, systemTemplate, message, userRole, assistantRole, sep, colonStyle);
  }

  /**
   * @return the rendered system prompt ({@code systemTemplate} with the message in its slot)
   */
  public String system() {
    return systemTemplate.replace(SLOT, systemMessage);
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
      return system() + sep + userRole + ": " + question + sep + assistantRole + ":";
    }
    return system() + sep + userRole + question + sep + assistantRole;
  }

  /**
   * @return the stop string: the separator without surrounding white space, or {@code </s>} for TWO
   *     style
   */
  public String stopString() {
    return colonStyle ? "</s>" : sep.strip();
  }
}
