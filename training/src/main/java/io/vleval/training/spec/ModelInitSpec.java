package io.vleval.training.spec;

import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import java.nio.file.Path;

/**
 * Where a stage's model starts: exactly one of a random {@code preset}, the output of an earlier
 * stage ({@code from}), or a {@code checkpoint} directory. A chat model ({@code lm-warmup}) built
 * from an InternVL-C/-G stage takes its vision tower and builds a new tiny LLaMA and projector.
 *
 * @param preset {@code tiny-internvl} (random InternVL-C/-G with the fixture's shapes) or {@code
 *     tiny-chat} (a random chat model with the tiny-chat vision tower and an LLM of {@code
 *     llm_hidden} x {@code llm_layers})
 * @param from the name of an earlier stage
 * @param checkpoint a HuggingFace-layout directory
 * @param seed the seed of random weights
 * @param llmHidden the chat LLM's width (new chat models only)
 * @param llmLayers the chat LLM's depth (new chat models only)
 * @param imageSize the side a new chat model reads (default: its tower's; position embeddings
 *     interpolated)
 */
public record ModelInitSpec(
    @Doc(
            "random weights of a preset: tiny-internvl, tiny-chat (lm-warmup/sft: llm_hidden/llm_layers apply)")
        String preset,
    @Doc("the name of an earlier stage whose final checkpoint to start from") String from,
    @Doc("a HuggingFace-layout checkpoint directory to start from") @MustExist Path checkpoint,
    @Doc("seed of random weights (default: the run seed)") Long seed,
    @Doc("width of a new chat model's LLaMA (default 128)") Integer llmHidden,
    @Doc("layers of a new chat model's LLaMA (default 2)") Integer llmLayers,
    @Doc("side in pixels a new chat model reads (default: its vision tower's)") Integer imageSize) {

  /** Exactly one source. */
  public ModelInitSpec {
    int n = (preset != null ? 1 : 0) + (from != null ? 1 : 0) + (checkpoint != null ? 1 : 0);
    if (n != 1) {
      throw new IllegalArgumentException(
          "give exactly one of 'preset', 'from' and 'checkpoint', found " + n);
    }
    if (preset != null && !preset.equals("tiny-internvl") && !preset.equals("tiny-chat")) {
      throw new IllegalArgumentException(
          "unknown preset '" + preset + "'; known: tiny-internvl, tiny-chat");
    }
    llmHidden = llmHidden == null ? 128 : llmHidden;
    llmLayers = llmLayers == null ? 2 : llmLayers;
    if (imageSize != null && imageSize < 1) {
      throw new IllegalArgumentException("'image_size' must be positive, found " + imageSize);
    }
  }

  /** The source without {@code image_size} (the form before it existed). */
  public ModelInitSpec(
      String preset,
      String from,
      Path checkpoint,
      Long seed,
      Integer llmHidden,
      Integer llmLayers) {
    this(preset, from, checkpoint, seed, llmHidden, llmLayers, null);
  }
}
