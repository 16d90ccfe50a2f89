package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.Conversation.Turn;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.text.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conversations as training sequences: the template as inference renders it, the replies and their
 * separators the only targets, every image's placeholder its block of image tokens.
 */
class ChatSequencesTest {

  private static final Path CHAT =
      Path.of("..", "models", "tiny-internvl-chat").toAbsolutePath().normalize();
  private static final ImageSource IMAGE =
      ImageSource.of(new RgbImage(1, 1, new byte[3]), "unused");

  private static ChatStageModel model;
  private static TextTokenizer tok;
  private static ChatSequences seq;

  @BeforeAll
  static void load() {
    model = ChatStageModel.load(CHAT, 64, 2, 0);
    tok = TextTokenizer.load(CHAT);
    seq = new ChatSequences(tok, model.chat().config());
  }

  @AfterAll
  static void close() {
    model.close();
    tok.close();
  }

  private static String targets(ChatSequences.Encoded e) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < e.ids().length; i++) {
      if (e.target()[i]) {
        ids.add(e.ids()[i]);
      }
    }
    return tok.decode(ids.stream().mapToLong(Long::longValue).toArray(), false);
  }

  /** One turn: the prompt is exactly the ids inference encodes; the reply and separator learn. */
  @Test
  void oneTurnIsTheInferencePromptThenTheReply() {
    ChatSequences.Encoded e =
        seq.conversation(
            new Conversation(
                "c",
                List.of(IMAGE),
                List.of(
                    new Turn(Turn.USER, "<image>\nWhat colour is the circle?"),
                    new Turn(Turn.ASSISTANT, "red"))),
            true,
            false);
    long[] prompt = seq.prompt("What colour is the circle?", true);
    assertThat(Arrays.copyOf(e.ids(), prompt.length)).containsExactly(prompt);
    assertThat(targets(e)).isEqualTo("red<|im_end|>");
    for (int i = 0; i < prompt.length; i++) {
      assertThat(e.target()[i]).isFalse();
    }
    int tokens = model.chat().config().numImageToken();
    assertThat(e.imageSlots()).isEqualTo(tokens);
    assertThat(Arrays.stream(e.ids()).filter(id -> id == seq.contextId()).count())
        .isEqualTo(tokens);
  }

  /**
   * Several turns as InternVL's template renders them: a leading system turn replaces the system
   * message, each user turn and assistant header is context, each reply and its separator a target;
   * two images give two blocks of image tokens.
   */
  @Test
  void severalTurnsLearnEveryReplyAndOnlyTheReplies() {
    ChatSequences.Encoded e =
        seq.conversation(
            new Conversation(
                "c",
                List.of(IMAGE, IMAGE),
                List.of(
                    new Turn(Turn.SYSTEM, "Be brief."),
                    new Turn(Turn.USER, "<image>\nWhat is this?"),
                    new Turn(Turn.ASSISTANT, "a red circle"),
                    new Turn(Turn.USER, "And this? <image>"),
                    new Turn(Turn.ASSISTANT, "a blue square"))),
            true,
            false);
    String block =
        "<img>" + "<IMG_CONTEXT>".repeat(model.chat().config().numImageToken()) + "</img>";
    assertThat(tok.decode(e.ids(), false))
        .isEqualTo(
            tok.decode(
                tok.encode(
                    "<|im_start|>system\nBe brief.<|im_end|><|im_start|>user\n"
                        + block
                        + "\nWhat is this?<|im_end|><|im_start|>assistant\na red circle<|im_end|>"
                        + "<|im_start|>user\nAnd this? "
                        + block
                        + "<|im_end|><|im_start|>assistant\na blue square<|im_end|>",
                    true),
                false));
    assertThat(targets(e)).isEqualTo("a red circle<|im_end|>a blue square<|im_end|>");
    assertThat(e.imageSlots()).isEqualTo(2 * model.chat().config().numImageToken());
  }

  /** The LM warm-up learns every token but the image placeholders, and gives no image. */
  @Test
  void languageModellingLearnsEveryTokenButTheImageTokens() {
    ChatSequences.Encoded e =
        seq.conversation(
            new Conversation(
                "c",
                List.of(IMAGE),
                List.of(
                    new Turn(Turn.USER, "<image>\nEnglish caption:"),
                    new Turn(Turn.ASSISTANT, "a red circle"))),
            false,
            true);
    assertThat(e.imageSlots()).isZero();
    for (int i = 1; i < e.ids().length; i++) {
      assertThat(e.target()[i]).isEqualTo(e.ids()[i] != seq.contextId());
    }
    assertThat(e.target()[0]).isFalse();
  }
}
