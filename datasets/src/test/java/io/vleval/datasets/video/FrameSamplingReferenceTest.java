package io.vleval.datasets.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Frame sampling against the reference MSR-VTT script: {@code
 * tasks/src/test/resources/msrvtt/frame_indices.json} (made by {@code
 * tasks/src/test/fixture-gen/msrvtt_reference.py} from {@code test_msrvtt.py} itself) holds, for
 * clip lengths 1 to 120 and longer and ten frame counts from 1 to 32, the frame ids the script
 * computes and whether its assertion stops it on the clip. The file lives with the tasks module's
 * other reference fixtures and is read here from the repository.
 */
class FrameSamplingReferenceTest {

  private static JsonNode cases() throws IOException {
    Path file =
        Path.of(
            System.getProperty("vleval.repoRoot"),
            "tasks/src/test/resources/msrvtt/frame_indices.json");
    JsonNode cases = new ObjectMapper().readTree(file.toFile()).get("cases");
    assertThat(cases.size()).isGreaterThan(1000);
    return cases;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  @Test
  void theReferenceRuleGivesTheScriptsIndicesAndRefusesExactlyWhereItsAssertionFails()
      throws IOException {
    int refused = 0;
    for (JsonNode c : cases()) {
      int n = c.get("clip_frames").asInt();
      int frames = c.get("frames").asInt();
      String which = n + " frames, " + frames + " sampled";
      int[] expected = ints(c.get("indices"));
      assertThat(FrameSampling.referenceIndices(n, frames)).as(which).containsExactly(expected);
      String refusal = FrameSampling.Rule.REFERENCE.refusal(n, frames);
      if (c.get("refused").asBoolean()) {
        refused++;
        assertThat(refusal).as(which).isNotNull();
        assertThatThrownBy(() -> FrameSampling.Rule.REFERENCE.indices(n, frames))
            .as(which)
            .isInstanceOf(IllegalArgumentException.class);
      } else {
        assertThat(refusal).as(which).isNull();
        assertThat(FrameSampling.Rule.REFERENCE.indices(n, frames))
            .as(which)
            .containsExactly(expected);
        // the clamped rule is the reference wherever the reference works
        assertThat(FrameSampling.Rule.CLAMPED.indices(n, frames))
            .as(which)
            .containsExactly(expected);
      }
      // the clamped rule never refuses, and always gives as many frames as asked, all in the clip
      assertThat(Arrays.stream(FrameSampling.Rule.CLAMPED.indices(n, frames)).boxed().toList())
          .as(which)
          .hasSize(frames)
          .allSatisfy(i -> assertThat(i).isBetween(0, n - 1));
    }
    assertThat(refused).as("cases the reference refuses").isPositive();
  }

  @Test
  void refusalsSayWhatTheReferenceComputedAndWhatToDo() {
    assertThat(FrameSampling.Rule.REFERENCE.refusal(5, 8))
        .isEqualTo(
            "has 5 frames: the reference sampling of 8 frames (interval ceil(5 / 8) = 1, indices 0,"
                + " 1, 2, ... + 0) gives 5 indices, not 8, and the reference script stops on such a"
                + " clip; expected a clip of at least 8 frames, or sample fewer frames, or set"
                + " frame_sampling: clamped to repeat frames");
    assertThat(FrameSampling.Rule.REFERENCE.refusal(15, 8))
        .isEqualTo(
            "has 15 frames: the reference sampling of 8 frames (interval ceil(15 / 8) = 2, indices"
                + " 0, 2, 4, ... + 1) puts the last index at 15, past the last frame 14, and the"
                + " reference script stops on such a clip; sample fewer frames, or set"
                + " frame_sampling: clamped to take the last frame instead");
    assertThat(FrameSampling.Rule.CLAMPED.indices(5, 8)).containsExactly(0, 1, 2, 3, 4, 4, 4, 4);
  }

  @Test
  void noClipLongerThanTwoFMinusOneTimesFMinusOneIsRefused() {
    for (int frames = 1; frames <= 32; frames++) {
      int longest = (2 * frames - 1) * (frames - 1);
      for (int n = longest + 1; n <= longest + 3000; n++) {
        assertThat(FrameSampling.Rule.REFERENCE.refusal(n, frames))
            .as(n + " frames, " + frames + " sampled")
            .isNull();
      }
      if (frames > 1) {
        assertThat(FrameSampling.Rule.REFERENCE.refusal(longest, frames)).isNotNull();
      }
    }
  }
}
