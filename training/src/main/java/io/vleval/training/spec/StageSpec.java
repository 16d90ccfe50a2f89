package io.vleval.training.spec;

import io.vleval.api.config.TaskEntry;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.Required;
import io.vleval.model.internvl.provider.InternVlSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * One training stage.
 *
 * @param name names the stage's folder under the run's {@code out}
 * @param kind what it trains (see {@link StageKind})
 * @param model where its model starts
 * @param data what it trains on: entries of the recipe's {@code datasets:} by role ({@link
 *     DataSpec})
 * @param steps optimizer steps
 * @param batchSize samples per micro-batch
 * @param gradientAccumulation micro-batches per optimizer step
 * @param optimizer AdamW settings
 * @param schedule warm-up and cosine decay
 * @param clipGradNorm global gradient-norm limit (0 = none)
 * @param checkpointEvery steps between checkpoints (the last step is always saved)
 * @param export a folder the final checkpoint is copied to (e.g. {@code models/tiny-internvl-g})
 * @param unfreeze {@code sft} only: parts that train besides {@code mlp1} ({@code llm}, {@code
 *     vision})
 * @param mcReply {@code lm-warmup} and {@code sft}: what a multiple-choice turn's reply is, {@code
 *     letter} (default; the reference's SFT data) or {@code text} (the right option's text, which
 *     the reference's MMBench post-processing maps back to its letter; README, stage 3)
 * @param captionTurns {@code sft} only: captioning turns per captions-train image (default 2), each
 *     with a seeded draw of the prompt and of one reference caption; more weighs captioning up
 *     against multiple choice
 * @param heldout {@code lm-head-warmup} and {@code generative}: the name of a dataset of captioned
 *     images (from the recipe's {@code datasets:}) on which the held-out ITG loss is reported
 *     ({@code CaptionLosses}, a training diagnostic); none when absent
 * @param evalHeads the InternVL-C/-G heads the final checkpoint is evaluated with: {@code [c]} for
 *     {@code contrastive} and {@code lm-head-warmup} stages, {@code [g]} by default for {@code
 *     generative} ones, which may list {@code c} too; empty for the chat stages (InternVL-Chat)
 * @param eval tasks run on the final checkpoint through the runner, bound as a run config's {@code
 *     tasks:} entries without {@code models:} ({@link TrainConfigLoader} binds them; the record
 *     binder never sees this component)
 */
public record StageSpec(
    @Doc("the stage's name (its folder under out)") @Required String name,
    @Doc("contrastive, lm-head-warmup, generative, lm-warmup or sft") @Required StageKind kind,
    @Doc("where the model starts: preset, from (an earlier stage) or checkpoint") @Required
        ModelInitSpec model,
    @Doc(
            "what it trains on: datasets by role (captions, translations, labelled, conversations,"
                + " questions) and shuffle_buffer")
        @Required
        DataSpec data,
    @Doc("optimizer steps") @Required Integer steps,
    @Doc("samples per micro-batch (default 32)") Integer batchSize,
    @Doc("micro-batches per optimizer step (default 1)") Integer gradientAccumulation,
    @Doc("AdamW settings") OptimizerSpec optimizer,
    @Doc("learning-rate schedule") ScheduleSpec schedule,
    @Doc("global gradient-norm limit, 0 for none (default 1.0)") Double clipGradNorm,
    @Doc("steps between checkpoints (default: only the last step)") Integer checkpointEvery,
    @Doc("copy the final checkpoint to this folder") Path export,
    @Doc("sft: parts trained besides the mlp1 projector: llm, vision (default none)")
        List<String> unfreeze,
    @Doc(
            "lm-warmup, sft: a multiple-choice reply is the option's letter or its text (default letter)")
        String mcReply,
    @Doc("sft: captioning turns per captions-train image, each one reference caption (default 2)")
        Integer captionTurns,
    @Doc(
            "lm-head-warmup, generative: a dataset of captioned images (from datasets:) to report the held-out ITG"
                + " loss on")
        String heldout,
    @Doc("generative: the heads the final checkpoint is evaluated with, g and/or c (default [g])")
        List<InternVlSpec.Head> evalHeads,
    @Doc(
            "tasks run on the final checkpoint, as a run config's tasks: entries without models (type, dataset,"
                + " the task's keys)")
        List<TaskEntry> eval) {

  /** {@code mc_reply}'s values. */
  public static final List<String> MC_REPLIES = List.of("letter", "text");

  /**
   * {@code caption_turns}' default: two captioning turns per captions-train image (the recipe
   * before the option).
   */
  public static final int DEFAULT_CAPTION_TURNS = 2;

  /** Defaults and checks. */
  public StageSpec {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "stage name '" + name + "' may use letters, digits, '.', '_' and '-' only");
    }
    batchSize = batchSize == null ? 32 : batchSize;
    gradientAccumulation = gradientAccumulation == null ? 1 : gradientAccumulation;
    optimizer = optimizer == null ? OptimizerSpec.defaults() : optimizer;
    schedule = schedule == null ? ScheduleSpec.defaults() : schedule;
    clipGradNorm = clipGradNorm == null ? 1.0 : clipGradNorm;
    checkpointEvery = checkpointEvery == null ? steps : checkpointEvery;
    unfreeze = unfreeze == null ? List.of() : List.copyOf(unfreeze);
    for (String u : unfreeze) {
      if (!u.equals("llm") && !u.equals("vision")) {
        throw new IllegalArgumentException("'unfreeze' lists '" + u + "'; allowed: llm, vision");
      }
    }
    if (!unfreeze.isEmpty() && kind != StageKind.SFT) {
      throw new IllegalArgumentException("'unfreeze' applies to sft stages only");
    }
    mcReply = mcReply == null ? "letter" : mcReply;
    if (!MC_REPLIES.contains(mcReply)) {
      throw new IllegalArgumentException(
          "'mc_reply' is '" + mcReply + "'; allowed: " + String.join(", ", MC_REPLIES));
    }
    if (!mcReply.equals("letter") && kind != StageKind.SFT) {
      throw new IllegalArgumentException("'mc_reply' applies to sft stages only");
    }
    captionTurns = captionTurns == null ? DEFAULT_CAPTION_TURNS : captionTurns;
    if (captionTurns < 0) {
      throw new IllegalArgumentException(
          "'caption_turns' is " + captionTurns + "; it must be 0 or more");
    }
    if (captionTurns != DEFAULT_CAPTION_TURNS && kind != StageKind.SFT) {
      throw new IllegalArgumentException("'caption_turns' applies to sft stages only");
    }
    if (heldout != null && kind != StageKind.LM_HEAD_WARMUP && kind != StageKind.GENERATIVE) {
      throw new IllegalArgumentException(
          "'heldout' applies to lm-head-warmup and generative stages (their held-out ITG loss)");
    }
    evalHeads = evalHeads == null ? defaultHeads(kind) : List.copyOf(evalHeads);
    checkHeads(kind, evalHeads);
    eval = eval == null ? List.of() : List.copyOf(eval);
    if (steps < 1
        || batchSize < 1
        || gradientAccumulation < 1
        || checkpointEvery < 1
        || clipGradNorm < 0) {
      throw new IllegalArgumentException(
          "'steps', 'batch_size', 'gradient_accumulation' and 'checkpoint_every' must be"
              + " positive and 'clip_grad_norm' non-negative");
    }
  }

  /**
   * The stage without its data (given later with {@link #withData}), held-out captions or
   * evaluation.
   *
   * @param name the stage's name
   * @param kind its kind
   * @param model where its model starts
   * @param steps optimizer steps
   * @param batchSize samples per micro-batch
   * @param gradientAccumulation micro-batches per step
   * @param optimizer AdamW settings
   * @param schedule warm-up and decay
   * @param clipGradNorm the gradient-norm limit
   * @param checkpointEvery steps between checkpoints
   * @param export where the final checkpoint is copied
   * @param unfreeze sft: parts trained besides mlp1
   * @param mcReply sft: letter or text replies
   * @param captionTurns sft: captioning turns per captioned image
   */
  public StageSpec(
      String name,
      StageKind kind,
      ModelInitSpec model,
      Integer steps,
      Integer batchSize,
      Integer gradientAccumulation,
      OptimizerSpec optimizer,
      ScheduleSpec schedule,
      Double clipGradNorm,
      Integer checkpointEvery,
      Path export,
      List<String> unfreeze,
      String mcReply,
      Integer captionTurns) {
    this(
        name,
        kind,
        model,
        null,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        unfreeze,
        mcReply,
        captionTurns,
        null,
        null,
        null);
  }

  /**
   * @param trainsOn what the stage trains on
   * @return this stage with that data
   */
  public StageSpec withData(DataSpec trainsOn) {
    return new StageSpec(
        name,
        kind,
        model,
        trainsOn,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        unfreeze,
        mcReply,
        captionTurns,
        heldout,
        evalHeads,
        eval);
  }

  /** The stage without {@code unfreeze} (the form before stage 3 existed). */
  public StageSpec(
      String name,
      StageKind kind,
      ModelInitSpec model,
      Integer steps,
      Integer batchSize,
      Integer gradientAccumulation,
      OptimizerSpec optimizer,
      ScheduleSpec schedule,
      Double clipGradNorm,
      Integer checkpointEvery,
      Path export) {
    this(
        name,
        kind,
        model,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        null,
        null);
  }

  /** The stage with letter replies (the form before {@code mc_reply} existed). */
  public StageSpec(
      String name,
      StageKind kind,
      ModelInitSpec model,
      Integer steps,
      Integer batchSize,
      Integer gradientAccumulation,
      OptimizerSpec optimizer,
      ScheduleSpec schedule,
      Double clipGradNorm,
      Integer checkpointEvery,
      Path export,
      List<String> unfreeze) {
    this(
        name,
        kind,
        model,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        unfreeze,
        null);
  }

  /**
   * The stage with the default captioning turns (the form before {@code caption_turns} existed).
   */
  public StageSpec(
      String name,
      StageKind kind,
      ModelInitSpec model,
      Integer steps,
      Integer batchSize,
      Integer gradientAccumulation,
      OptimizerSpec optimizer,
      ScheduleSpec schedule,
      Double clipGradNorm,
      Integer checkpointEvery,
      Path export,
      List<String> unfreeze,
      String mcReply) {
    this(
        name,
        kind,
        model,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        unfreeze,
        mcReply,
        null);
  }

  /**
   * The same stage with another {@code heldout} dataset and {@code eval} list.
   *
   * @param heldout the held-out captions' dataset, or null
   * @param eval the tasks run on the final checkpoint
   * @return the stage
   */
  public StageSpec withEvaluation(String heldout, List<TaskEntry> eval) {
    return new StageSpec(
        name,
        kind,
        model,
        data,
        steps,
        batchSize,
        gradientAccumulation,
        optimizer,
        schedule,
        clipGradNorm,
        checkpointEvery,
        export,
        unfreeze,
        mcReply,
        captionTurns,
        heldout,
        evalHeads,
        eval);
  }

  private static List<InternVlSpec.Head> defaultHeads(StageKind kind) {
    return switch (kind) {
      case CONTRASTIVE, LM_HEAD_WARMUP -> List.of(InternVlSpec.Head.C);
      case GENERATIVE -> List.of(InternVlSpec.Head.G);
      case LM_WARMUP, SFT -> List.of();
    };
  }

  private static void checkHeads(StageKind kind, List<InternVlSpec.Head> heads) {
    if (kind == StageKind.LM_WARMUP || kind == StageKind.SFT) {
      if (!heads.isEmpty()) {
        throw new IllegalArgumentException(
            "'eval_heads' applies to contrastive, lm-head-warmup and generative stages; a chat"
                + " stage's checkpoint is evaluated as InternVL-Chat");
      }
      return;
    }
    if (heads.isEmpty() || new HashSet<>(heads).size() != heads.size()) {
      throw new IllegalArgumentException(
          "'eval_heads' lists "
              + heads.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList()
              + "; list c and/or g, each once");
    }
    if (kind != StageKind.GENERATIVE && heads.contains(InternVlSpec.Head.G)) {
      throw new IllegalArgumentException(
          "'eval_heads' lists g; a "
              + kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
              + " stage's checkpoint is evaluated as InternVL-C (head c): the query path that head g"
              + " reads trains in generative stages");
    }
  }

  /**
   * @return whether a multiple-choice reply is the option's text rather than its letter
   */
  public boolean repliesWithText() {
    return mcReply.equals("text");
  }
}
