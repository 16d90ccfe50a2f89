package io.vleval.api.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.sample.Conversation.Turn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {
  @Test
  void countsImagePlaceholdersWithoutOverlap() {
    assertThat(new Turn(Turn.USER, "<image>\nCompare <image> and <image>.").imagePlaceholders())
        .isEqualTo(3);
    assertThat(new Turn(Turn.USER, "<image<image>>").imagePlaceholders()).isEqualTo(1);
    assertThat(new Turn(Turn.ASSISTANT, "no image").imagePlaceholders()).isZero();
  }

  @Test
  void rolesAreTheChatRolesOnly() {
    assertThatThrownBy(() -> new Turn("gpt", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user, assistant or system");
  }

  @Test
  void holdsCopiesOfItsLists() {
    List<Turn> turns = new ArrayList<>(List.of(new Turn(Turn.USER, "hi")));
    Conversation c = new Conversation("c1", List.of(), turns);
    turns.add(new Turn(Turn.ASSISTANT, "hello"));
    assertThat(c.turns()).hasSize(1);
  }
}
