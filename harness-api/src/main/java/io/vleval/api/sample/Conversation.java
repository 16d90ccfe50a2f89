package io.vleval.api.sample;

import java.util.List;
import java.util.Objects;

/**
 * A multi-turn conversation about zero or more images, the sample of supervised fine-tuning
 * (LLaVA-format data). Each {@code <image>} placeholder in the turns' text stands for the next
 * image of {@link #images()}, in order, so the placeholders are exactly as many as the images.
 *
 * @param id stable identifier, unique within its dataset
 * @param images the images, in the order their placeholders appear
 * @param turns the turns, in order
 */
public record Conversation(String id, List<ImageSource> images, List<Turn> turns)
    implements Sample {

  /** The placeholder that marks where an image goes in a turn's text. */
  public static final String IMAGE_PLACEHOLDER = "<image>";

  public Conversation {
    Objects.requireNonNull(id, "id");
    images = List.copyOf(images);
    turns = List.copyOf(turns);
  }

  /**
   * One turn.
   *
   * @param role {@link #USER}, {@link #ASSISTANT} or {@link #SYSTEM}
   * @param text what was said, with {@code <image>} placeholders where images go
   */
  public record Turn(String role, String text) {
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String SYSTEM = "system";

    public Turn {
      Objects.requireNonNull(text, "text");
      if (!USER.equals(role) && !ASSISTANT.equals(role) && !SYSTEM.equals(role)) {
        throw new IllegalArgumentException("role must be user, assistant or system, got " + role);
      }
    }

    /** How many {@code <image>} placeholders the text holds. */
    public int imagePlaceholders() {
      int n = 0;
      for (int at = text.indexOf(IMAGE_PLACEHOLDER);
          at >= 0;
          at = text.indexOf(IMAGE_PLACEHOLDER, at + IMAGE_PLACEHOLDER.length())) {
        n++;
      }
      return n;
    }
  }
}
