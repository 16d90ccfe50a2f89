package io.vleval.tasks.closed;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.tasks.mme.MmeTaskProvider;
import io.vleval.tasks.mmvet.MmvetTaskProvider;
import io.vleval.tasks.pope.PopeTaskProvider;
import io.vleval.tasks.scienceqa.ScienceQaTaskProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompts as InternVL-Chat's evaluation scripts build them, character for character. */
class ClosedPromptsTest {

  @Test
  void popeAppendsTheInstructionOnItsOwnLine() {
    // llava_pope_test.jsonl's text with LLaVA's instruction replaced by InternVL's (the same)
    assertThat(
            PopeTaskProvider.prompt(
                "Is there a snowboard in the image?",
                new PopeTaskProvider.Spec(null, null, null, null).prompt()))
        .isEqualTo(
            "Is there a snowboard in the image?\nAnswer the question using a single word or phrase.");
    // with an empty instruction (the scripts' --cot) the trailing line break is stripped
    assertThat(PopeTaskProvider.prompt("Is there a cat?", "")).isEqualTo("Is there a cat?");
  }

  @Test
  void mmeAppendsTheInstructionAfterASpace() {
    assertThat(
            MmeTaskProvider.prompt(
                "Is there a train in this image? Please answer yes or no.",
                new MmeTaskProvider.Spec(null, null, null, null).prompt()))
        .isEqualTo(
            "Is there a train in this image? Please answer yes or no. Answer the question using a"
                + " single word or phrase.");
  }

  @Test
  void mmvetKeepsTheTrailingSpaceOfItsEmptyInstruction() {
    assertThat(
            MmvetTaskProvider.prompt(
                "What is x in the equation?",
                new MmvetTaskProvider.Spec(null, null, null, null).prompt()))
        .isEqualTo("What is x in the equation? ");
  }

  @Test
  void scienceQaPutsContextQuestionOptionsAndInstructionOnLines() {
    MultipleChoiceQuestion q =
        new MultipleChoiceQuestion(
            "7",
            "7",
            null,
            "Which animal is shown?",
            "A context.",
            List.of("cat", "dog"),
            "A",
            "",
            "");
    assertThat(ScienceQaTaskProvider.prompt(q, ScienceQaTaskProvider.INSTRUCTION))
        .isEqualTo(
            "A context.\nWhich animal is shown?\nA. cat\nB. dog\nAnswer with the option's letter"
                + " from the given choices directly.");
    MultipleChoiceQuestion noHint =
        new MultipleChoiceQuestion("8", "8", null, "Q?", null, List.of("x", "y", "z"), "C", "", "");
    assertThat(ScienceQaTaskProvider.prompt(noHint, ScienceQaTaskProvider.INSTRUCTION))
        .isEqualTo(
            "Q?\nA. x\nB. y\nC. z\nAnswer with the option's letter from the given choices directly.");
  }
}
