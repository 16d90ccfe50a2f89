package io.vleval.training.spec;

import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
import io.vleval.core.config.PlannedModel;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model a stage's {@code eval:} tasks run on: its final checkpoint as an {@code internvl} model
 * entry, one entry per evaluated head ({@link StageSpec#evalHeads()}: InternVL-C with {@code head:
 * c}, InternVL-G with {@code head: g}; a chat stage's checkpoint is InternVL-Chat). The first
 * head's entry is named after the stage, a further head's {@code <stage>-<head>}.
 */
public final class EvalTarget {

  /** The model plugin that loads every stage's checkpoint. */
  public static final String MODEL_TYPE = "internvl";

  private static final String TINY_INTERNVL = "tiny-internvl";
  private static final String TINY_CHAT = "tiny-chat";

  private EvalTarget() {}

  /**
   * The models as {@code vleval validate} sees them before the checkpoint exists: each head's
   * capabilities are those the {@code internvl} plugin states for a checkpoint of the stage's kind
   * (asked with the preset of that kind, which stands in for the checkpoint), and the backbone is
   * the one the stage trains (the preset's, or that of the checkpoint the stage's line of {@code
   * from:} starts from).
   *
   * @param stage the stage
   * @param root the checkpoint the stage's line of {@code from:} starts from, or null when it
   *     starts from a preset
   * @return one planned model per evaluated head
   * @throws VlevalException when the {@code root} checkpoint's config cannot be read
   */
  public static List<PlannedModel> planned(StageSpec stage, Path root) {
    InternVlProvider provider = new InternVlProvider();
    List<PlannedModel> out = new ArrayList<>();
    List<InternVlSpec.Head> heads = heads(stage);
    for (int i = 0; i < heads.size(); i++) {
      InternVlSpec.Head head = heads.get(i);
      boolean chat = head == null;
      InternVlSpec standIn =
          new InternVlSpec(
              null, chat ? TINY_CHAT : TINY_INTERNVL, "cpu", null, null, head, null, null);
      Optional<BackboneShape> backbone = chat ? Optional.empty() : backbone(provider, root);
      out.add(
          new PlannedModel(
              modelName(stage, i),
              "the final checkpoint of stage '" + stage.name() + "' (" + describe(head) + ")",
              provider.capabilities(standIn),
              backbone));
    }
    return out;
  }

  /**
   * The model entries of the run that evaluates a stage.
   *
   * @param stage the stage
   * @param checkpoint its final checkpoint
   * @param train the run settings (the device and precision the stage trained with)
   * @return one entry per evaluated head
   */
  public static List<ModelEntry> models(StageSpec stage, Path checkpoint, TrainSettings train) {
    InternVlSpec.Dtype dtype =
        TrainSettings.MIXED_FLOAT16.equals(train.precision())
            ? InternVlSpec.Dtype.FLOAT16
            : InternVlSpec.Dtype.FLOAT32;
    List<ModelEntry> out = new ArrayList<>();
    List<InternVlSpec.Head> heads = heads(stage);
    for (int i = 0; i < heads.size(); i++) {
      out.add(
          new ModelEntry(
              modelName(stage, i),
              MODEL_TYPE,
              new InternVlSpec(
                  checkpoint, null, train.device(), dtype, null, heads.get(i), null, null),
              new ConfigLocation(checkpoint.toString(), 1, 1)));
    }
    return out;
  }

  /**
   * @param stage the stage
   * @param head the index of the head in {@link StageSpec#evalHeads()} (0 for a chat stage)
   * @return the name of that head's model entry
   */
  public static String modelName(StageSpec stage, int head) {
    return head == 0
        ? stage.name()
        : stage.name() + "-" + stage.evalHeads().get(head).name().toLowerCase(Locale.ROOT);
  }

  /** The heads evaluated; one null for a chat stage (no head). */
  private static List<InternVlSpec.Head> heads(StageSpec stage) {
    if (stage.evalHeads().isEmpty()) {
      List<InternVlSpec.Head> chat = new ArrayList<>();
      chat.add(null);
      return chat;
    }
    return stage.evalHeads();
  }

  private static String describe(InternVlSpec.Head head) {
    if (head == null) {
      return "InternVL-Chat";
    }
    return head == InternVlSpec.Head.G ? "InternVL-G, head g" : "InternVL-C, head c";
  }

  private static Optional<BackboneShape> backbone(InternVlProvider provider, Path root) {
    InternVlSpec spec =
        root == null
            ? new InternVlSpec(null, TINY_INTERNVL, "cpu", null, null, null, null, null)
            : new InternVlSpec(root, null, "cpu", null, null, null, null, null);
    return provider.backboneShape(spec);
  }
}
