package io.vleval.tasks.segmentation;

import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.Capability;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.CategoryBreakdown;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.outcome.Outcomes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantic segmentation as InternVL's ADE20K evaluation runs it (mmsegmentation v0.30.0 with
 * InternVL's configs), scored as mmsegmentation does: per-class areas accumulated over the split,
 * then aAcc, mIoU, mAcc and per-class IoU/Acc.
 *
 * <p>The default ({@code recipe: reference}) trains a head on a backbone's block features for a
 * fixed number of iterations with the reference's augmentation, optimiser and schedule, and
 * predicts with the reference's sliding windows:
 *
 * <ul>
 *   <li>{@code head: linear} (linear probing; paper 47.2 mIoU): one block of the frozen backbone
 *       (the fourth from the end, 44 of InternViT-6B's 48) into BatchNorm + 1x1 conv; weight decay
 *       0.
 *   <li>{@code head: upernet} (head tuning; 54.9): four blocks of the frozen backbone (the last of
 *       each quarter: 11, 23, 35, 47) through the up/down-sampling pyramid into UperNet (1536
 *       channels) with an auxiliary FCN head on level 1 (loss weight 0.4); weight decay 0.05.
 *   <li>{@code head: upernet, backbone: trainable} (full tuning; 58.9): the same head, its
 *       auxiliary head on level 2, trained together with a float32 copy of the backbone ({@link
 *       TrainableBackbone}) with layer-wise learning-rate decay 0.95 and drop path 0.4; the loaded
 *       model is never changed, and the copy is closed when the task ends.
 *   <li>{@code fraction} (few-shot): the linear head on the last block, trained with the backbone
 *       (as {@code backbone: trainable}) on a seeded share of the training set for the few-shot
 *       config's iterations; {@code backbone: frozen} keeps the backbone frozen instead, recorded
 *       as protocol {@code frozen-backbone-few-shot}.
 * </ul>
 *
 * <p>Everything else follows the configs: 80k iterations of 16 images; the training pipeline of
 * {@link io.vleval.tasks.segmentation.pipeline.TrainTransform} (resize to 2016 x 504 times U[0.5,
 * 2], crop 504 with cat_max_ratio 0.75, flip, photometric distortion, pad); AdamW (0.9, 0.999),
 * base rate 4e-5, poly decay to 0 after 1500 linear warm-up iterations; logits upsampled bilinearly
 * to the crop and cross entropy with ignore index 255; sliding-window inference ({@link
 * io.vleval.tasks.segmentation.decode.SlideInference}).
 *
 * <p>{@code recipe: patch-probe} is the fast variant of {@link PatchProbe}, recorded as protocol
 * {@code patch-probe}.
 */
public final class SegmentationProvider implements TaskProvider<SegmentationProvider.Spec> {

  /** The training recipe. */
  public enum Recipe {
    /** The reference protocol. */
    REFERENCE,
    /** Patch-centre labels, SGD head on cached dense features: fast, not the reference's. */
    PATCH_PROBE
  }

  /** The head trained in the reference recipe. */
  public enum Head {
    LINEAR,
    UPERNET
  }

  /** What happens to the backbone in the reference recipe. */
  public enum Backbone {
    /** Frozen: the heads read the loaded model's block features (linear probing, head tuning). */
    FROZEN,
    /**
     * Fine-tuned with the head on a float32 copy of the backbone, with layer-wise learning-rate
     * decay and drop path (full tuning, and the reference's few-shot rows).
     */
    TRAINABLE
  }

  /** Inference modes of the patch-probe recipe. */
  public enum Mode {
    WHOLE,
    SLIDE
  }

  /**
   * A few-shot setting of the reference: the share of the training set, and the iterations and
   * warm-up of its config.
   */
  public record FewShot(String fraction, int divisor, int iterations, int warmupIterations) {}

  /** The reference's few-shot configs (configs/intern_vit_6b/few_shot/*.py). */
  public static final Map<String, FewShot> FEW_SHOT =
      Map.of(
          "1/16", new FewShot("1/16", 16, 5_000, 100),
          "1/8", new FewShot("1/8", 8, 10_000, 200),
          "1/4", new FewShot("1/4", 4, 20_000, 400),
          "1/2", new FewShot("1/2", 2, 40_000, 800),
          "1/1", new FewShot("1/1", 1, 80_000, 1_500));

  /** Protocol settings. */
  public record Spec(
      @Doc(
              "reference (default): the reference protocol (augmented crops, AdamW, sliding windows);"
                  + " patch-probe: the fast variant (patch-centre labels, SGD on cached features)")
          Recipe recipe,
      @Doc(
              "linear (default; linear probing, and the few-shot rows) or upernet (head tuning;"
                  + " with backbone trainable, full tuning)")
          Head head,
      @Doc(
              "the block the linear head reads, 0-based, negative counting from the end (default:"
                  + " the fourth from the end, 44 of InternViT-6B's 48; with fraction or a trainable"
                  + " backbone, the last)")
          Integer block,
      @Doc(
              "the four blocks UperNet reads (default: the last of each quarter, 11, 23, 35, 47"
                  + " of 48)")
          List<Integer> blocks,
      @Doc("UperNet and auxiliary head channels (default 1536)") Integer headChannels,
      @Doc(
              "training crop and sliding window side in pixels, a multiple of the patch (default 36"
                  + " patches: 504 for InternViT's 14 px patch)")
          Integer cropSize,
      @Doc("[long, short] scale of the training and test resize (default [4 x crop, crop])")
          List<Integer> scale,
      @Doc(
              "slide stride as a fraction of the window (default 0.639, i.e. 322/504 as the reference)")
          Double strideFraction,
      @Doc("training iterations (default 80000; with fraction, the few-shot config's)")
          Integer iterations,
      @Doc("images per iteration (default 16); patch-probe: patches per head batch (default 1024)")
          Integer batchSize,
      @Doc("AdamW base learning rate (default 4e-5); patch-probe: SGD peak rate (default 0.1)")
          Double learningRate,
      @Doc(
              "AdamW weight decay (default 0 for linear probing, 0.05 for upernet, a trainable"
                  + " backbone and few-shot)")
          Double weightDecay,
      @Doc("linear warm-up iterations (default 1500; with fraction, the few-shot config's)")
          Integer warmupIterations,
      @Doc("few-shot share of the training set: 1/16, 1/8, 1/4, 1/2 or 1/1 (default: none)")
          String fraction,
      @Doc(
              "frozen (default without fraction: linear probing, head tuning) or trainable (the"
                  + " backbone fine-tuned with the head: full tuning, and the default with fraction,"
                  + " as the reference's few-shot rows)")
          Backbone backbone,
      @Doc(
              "trainable backbone only: layer-wise learning-rate decay, each block below the head"
                  + " at this times the rate of the one above (default 0.95)")
          Double layerDecayRate,
      @Doc(
              "trainable backbone only: drop path (stochastic depth) probability at the last block,"
                  + " rising linearly from 0 at the first (default 0.4)")
          Double dropPathRate,
      @Doc("patch-probe only: whole (default) or slide") Mode mode,
      @Doc("patch-probe only: head training epochs (default 20)") Integer epochs,
      @Doc("bootstrap resamples over images (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      recipe = recipe == null ? Recipe.REFERENCE : recipe;
      strideFraction = strideFraction == null ? 322.0 / 504 : strideFraction;
      resamples = resamples == null ? 1000 : resamples;
      if (strideFraction <= 0 || strideFraction > 1) {
        throw new IllegalArgumentException(
            "stride_fraction must be in (0, 1], got " + strideFraction);
      }
      if (resamples < 0) {
        throw new IllegalArgumentException("resamples must be at least 0, got " + resamples);
      }
      if (recipe == Recipe.PATCH_PROBE) {
        onlyFor("reference", "head", head, "block", block, "blocks", blocks);
        onlyFor("reference", "head_channels", headChannels, "crop_size", cropSize, "scale", scale);
        onlyFor(
            "reference",
            "iterations",
            iterations,
            "weight_decay",
            weightDecay,
            "warmup_iterations",
            warmupIterations);
        onlyFor("reference", "fraction", fraction, "backbone", backbone);
        onlyFor("reference", "layer_decay_rate", layerDecayRate, "drop_path_rate", dropPathRate);
        mode = mode == null ? Mode.WHOLE : mode;
        epochs = epochs == null ? 20 : epochs;
        batchSize = batchSize == null ? 1024 : batchSize;
        learningRate = learningRate == null ? 0.1 : learningRate;
        positive("epochs", epochs);
      } else {
        onlyFor("patch-probe", "mode", mode, "epochs", epochs);
        head = head == null ? Head.LINEAR : head;
        if (head == Head.LINEAR) {
          if (blocks != null || headChannels != null) {
            throw new IllegalArgumentException(
                (blocks != null ? "blocks" : "head_channels")
                    + " applies to head upernet; head linear reads one block, set with 'block'");
          }
        } else {
          if (block != null) {
            throw new IllegalArgumentException(
                "block applies to head linear; head upernet reads four, set with 'blocks'");
          }
          if (fraction != null) {
            throw new IllegalArgumentException(
                "fraction applies to head linear (the reference's few-shot rows train the linear"
                    + " head)");
          }
          if (blocks != null && blocks.size() != 4) {
            throw new IllegalArgumentException(
                "blocks must list 4 blocks (one per pyramid level), got " + blocks.size());
          }
          headChannels = headChannels == null ? 1536 : headChannels;
          positive("head_channels", headChannels);
        }
        FewShot few = null;
        if (fraction != null) {
          few = FEW_SHOT.get(fraction.strip());
          if (few == null) {
            throw new IllegalArgumentException(
                "fraction must be one of 1/16, 1/8, 1/4, 1/2, 1/1, got '" + fraction + "'");
          }
          fraction = few.fraction();
        }
        // the reference's few-shot rows fine-tune the backbone; its other rows keep it frozen
        backbone =
            backbone == null ? (few != null ? Backbone.TRAINABLE : Backbone.FROZEN) : backbone;
        if (backbone == Backbone.FROZEN) {
          onlyFor(
              "backbone trainable",
              "layer_decay_rate",
              layerDecayRate,
              "drop_path_rate",
              dropPathRate);
        } else {
          layerDecayRate = layerDecayRate == null ? 0.95 : layerDecayRate;
          dropPathRate = dropPathRate == null ? 0.4 : dropPathRate;
          if (!(layerDecayRate > 0 && layerDecayRate <= 1)) {
            throw new IllegalArgumentException(
                "layer_decay_rate must be in (0, 1], got " + layerDecayRate);
          }
          if (!(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException(
                "drop_path_rate must be in [0, 1), got " + dropPathRate);
          }
        }
        if (cropSize != null) {
          positive("crop_size", cropSize);
        }
        if (scale != null) {
          scale = List.copyOf(scale);
          if (scale.size() != 2 || scale.get(0) < 1 || scale.get(1) < 1) {
            throw new IllegalArgumentException(
                "scale must be two positive sides [long, short], got " + scale);
          }
        }
        iterations = iterations == null ? (few == null ? 80_000 : few.iterations()) : iterations;
        positive("iterations", iterations);
        warmupIterations =
            warmupIterations == null
                ? (few == null ? 1_500 : few.warmupIterations())
                : warmupIterations;
        if (warmupIterations < 0) {
          throw new IllegalArgumentException(
              "warmup_iterations must be at least 0, got " + warmupIterations);
        }
        batchSize = batchSize == null ? 16 : batchSize;
        if (head == Head.UPERNET && batchSize < 2) {
          throw new IllegalArgumentException(
              "batch_size must be at least 2 for head upernet (its 1x1 pooling branch is"
                  + " batch-normalised over the batch), got "
                  + batchSize);
        }
        learningRate = learningRate == null ? 4e-5 : learningRate;
        weightDecay =
            weightDecay == null
                ? (head == Head.UPERNET || backbone == Backbone.TRAINABLE || few != null
                    ? 0.05
                    : 0.0)
                : weightDecay;
        if (weightDecay < 0) {
          throw new IllegalArgumentException("weight_decay must be at least 0, got " + weightDecay);
        }
      }
      positive("batch_size", batchSize);
      if (learningRate <= 0) {
        throw new IllegalArgumentException("learning_rate must be positive, got " + learningRate);
      }
    }

    private static void onlyFor(String setting, Object... keysAndValues) {
      for (int i = 0; i < keysAndValues.length; i += 2) {
        if (keysAndValues[i + 1] != null) {
          throw new IllegalArgumentException(
              keysAndValues[i]
                  + " applies to "
                  + (setting.contains(" ") ? setting : "recipe " + setting)
                  + " only");
        }
      }
    }

    private static void positive(String key, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(key + " must be at least 1, got " + value);
      }
    }

    /** The few-shot setting, or null. */
    public FewShot fewShot() {
      return fraction == null ? null : FEW_SHOT.get(fraction);
    }

    /**
     * The protocol recorded with the scores: {@code reference} (linear probing and head tuning on a
     * frozen backbone, full tuning and the few-shot rows on a trainable one), {@code
     * frozen-backbone-few-shot} (the few-shot settings with the backbone kept frozen) or {@code
     * patch-probe}.
     */
    public String protocol() {
      if (recipe == Recipe.PATCH_PROBE) {
        return "patch-probe";
      }
      return fraction != null && backbone == Backbone.FROZEN
          ? "frozen-backbone-few-shot"
          : "reference";
    }

    /** Whether the backbone trains with the head. */
    public boolean trainsBackbone() {
      return backbone == Backbone.TRAINABLE;
    }

    /**
     * The pyramid level the auxiliary FCN head of UperNet reads: 1 on a frozen backbone (the
     * head-tuning config sets {@code in_index=1}), 2 on a trainable one (the full-tuning config
     * keeps {@code upernet_r50.py}'s {@code in_index=2}).
     */
    public int auxiliaryLevel() {
      return trainsBackbone() ? 2 : 1;
    }

    /**
     * The linear head's block for a backbone of {@code depth} blocks, before range checks: the
     * fourth from the end on a frozen backbone, the last on a trainable one or with a fraction (as
     * the few-shot configs).
     */
    public int linearBlock(int depth) {
      int b =
          block != null
              ? block
              : (fraction != null || trainsBackbone() ? depth - 1 : Math.max(0, depth - 4));
      return b < 0 ? depth + b : b;
    }

    /** UperNet's four blocks for a backbone of {@code depth} blocks, before range checks. */
    public List<Integer> uperBlocks(int depth) {
      List<Integer> out = new ArrayList<>();
      for (int k = 1; k <= 4; k++) {
        int b = blocks != null ? blocks.get(k - 1) : (depth * k + 3) / 4 - 1;
        out.add(b < 0 ? depth + b : b);
      }
      return out;
    }

    /** The blocks the head reads from a backbone of {@code depth} blocks. */
    public List<Integer> headBlocks(int depth) {
      return head == Head.LINEAR ? List.of(linearBlock(depth)) : uperBlocks(depth);
    }

    /** The crop side for a backbone with {@code patch}-pixel patches: 36 patches unless set. */
    public int crop(int patch) {
      return cropSize != null ? cropSize : 36 * patch;
    }

    /**
     * The [long, short] resize scale for a crop of {@code crop} pixels: [4 crop, crop] unless set.
     */
    public List<Integer> scale(int crop) {
      return scale != null ? scale : List.of(4 * crop, crop);
    }

    /** The slide stride in pixels for a crop of {@code crop} pixels. */
    public int stride(int crop) {
      return Math.max(1, (int) Math.round(crop * strideFraction));
    }
  }

  /**
   * One image's per-class areas (enough to recompute every metric).
   *
   * @param outOfRangeLabels label pixels whose value is neither a class nor the ignore index (255);
   *     as in mmsegmentation they count for no class's label area, while their predictions count
   */
  public record Areas(
      String sampleId,
      long[] intersect,
      long[] union,
      long[] predicted,
      long[] label,
      double pixelAccuracy,
      long outOfRangeLabels)
      implements SampleRecord {}

  @Override
  public String type() {
    return "semantic-segmentation";
  }

  @Override
  public String description() {
    return "semantic segmentation as the reference trains and tests heads on backbone blocks"
        + " (linear probing and UperNet head tuning on a frozen backbone, full tuning and few-shot"
        + " with the backbone fine-tuned; or the fast patch-probe recipe); mmsegmentation metrics:"
        + " aAcc, mIoU, mAcc";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return SegmentationPair.class;
  }

  /**
   * The patch-probe recipe reads dense features, the reference recipe block features of a frozen
   * backbone, or a {@link TrainableBackbone} to fine-tune.
   */
  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    if (spec.recipe() == Recipe.PATCH_PROBE) {
      return Set.of(DenseFeatureExtractor.class);
    }
    return spec.trainsBackbone()
        ? Set.of(TrainableBackbone.class)
        : Set.of(BlockFeatureExtractor.class);
  }

  /**
   * The blocks the head reads must exist (a negative block counts from the end) and the crop must
   * be whole patches.
   */
  @Override
  public List<String> checkBackbone(Spec spec, BackboneShape shape) {
    if (spec.recipe() == Recipe.PATCH_PROBE) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    int depth = shape.depth();
    List<Integer> asked =
        spec.head() == Head.LINEAR
            ? List.of(spec.block() != null ? spec.block() : spec.linearBlock(depth))
            : (spec.blocks() != null ? spec.blocks() : spec.uperBlocks(depth));
    for (int b : asked) {
      int resolved = b < 0 ? depth + b : b;
      if (resolved < 0 || resolved >= depth) {
        problems.add(
            "it reads block "
                + b
                + ", but the backbone has "
                + depth
                + (depth == 1 ? " block" : " blocks")
                + "; allowed 0 to "
                + (depth - 1)
                + (b < 0 ? " (or -" + depth + " to -1 from the end)" : ""));
      }
    }
    if (spec.cropSize() != null && spec.cropSize() % shape.patchSize() != 0) {
      int lower = Math.max(1, spec.cropSize() / shape.patchSize()) * shape.patchSize();
      problems.add(
          String.format(
              Locale.ROOT,
              "its crop_size %d is not a multiple of the backbone's %d px patch; use %d or %d",
              spec.cropSize(),
              shape.patchSize(),
              lower,
              lower + shape.patchSize()));
    }
    return problems;
  }

  @Override
  public boolean needsTrainingData(Spec spec) {
    return true;
  }

  @Override
  public Task<SegmentationPair, Areas> create(Spec spec) {
    return new Task<>() {
      @Override
      public String version() {
        // the patch-probe recipe and the frozen backbone give the scores they always gave
        if (spec.recipe() == Recipe.PATCH_PROBE) {
          return "1";
        }
        return spec.trainsBackbone() ? "3" : "2";
      }

      @Override
      public String protocol() {
        return spec.protocol();
      }

      @Override
      public Class<SegmentationPair> sampleType() {
        return SegmentationPair.class;
      }

      @Override
      public Class<Areas> recordType() {
        return Areas.class;
      }

      @Override
      public TaskSession<SegmentationPair, Areas> start(Model model, TaskContext context) {
        int classes = context.evaluation().classNames().size();
        Predictor predictor =
            spec.recipe() == Recipe.PATCH_PROBE
                ? Predictor.patchProbe(spec, model, context, classes)
                : ReferenceProtocol.predictor(spec, model, context, classes);
        return TaskSession.of(
            batch -> {
              List<Areas> out = new ArrayList<>();
              for (SegmentationPair pair : batch) {
                out.add(areas(pair, predictor, classes));
              }
              return out;
            },
            records -> outcome(records, spec, context, classes),
            predictor::close);
      }
    };
  }

  private static Areas areas(SegmentationPair pair, Predictor predictor, int classes) {
    RgbImage image = pair.image().load();
    LabelMap label = pair.labels().load();
    int[] pred = predictor.predict(image, label);
    int[] gt = new int[pred.length];
    for (int i = 0; i < gt.length; i++) {
      gt[i] = label.values()[i] & 0xFF;
    }
    // labels arrive already reduced by the loader (reduce_zero_label is a dataset setting)
    ClassAreas a =
        SegmentationMetrics.intersectAndUnion(
            pred, gt, classes, SegmentationMetrics.IGNORE_INDEX, false);
    long hit = 0;
    long all = 0;
    for (int c = 0; c < classes; c++) {
      hit += a.intersect()[c];
      all += a.label()[c];
    }
    return new Areas(
        pair.id(),
        a.intersect(),
        a.union(),
        a.predLabel(),
        a.label(),
        all == 0 ? Double.NaN : (double) hit / all,
        SegmentationMetrics.outOfRangeLabelPixels(
            gt, classes, SegmentationMetrics.IGNORE_INDEX, false));
  }

  private static TaskOutcome outcome(
      List<Areas> records, Spec spec, TaskContext context, int classes) {
    ClassAreas[] perImage = new ClassAreas[records.size()];
    for (int i = 0; i < perImage.length; i++) {
      Areas r = records.get(i);
      perImage[i] = new ClassAreas(r.intersect(), r.union(), r.predicted(), r.label());
    }
    ScoreOptions options =
        spec.resamples() == 0
            ? ScoreOptions.NO_INTERVALS
            : new ScoreOptions(spec.resamples(), context.seed(), 0.95);
    ScoreTable table = SegmentationScoring.score(perImage, classes, options);
    List<MetricValue> metrics = Outcomes.metrics(table, name -> !name.contains("."), "");
    List<CategoryBreakdown> categories = new ArrayList<>();
    List<String> names = context.evaluation().classNames();
    ClassAreas total = ClassAreas.sum(perImage, null, classes);
    for (int c = 0; c < classes; c++) {
      int cls = c;
      List<MetricValue> perClass =
          Outcomes.metrics(
              table, name -> name.equals("IoU." + cls) || name.equals("Acc." + cls), "");
      categories.add(new CategoryBreakdown(names.get(c), total.label()[c], perClass));
    }
    return new TaskOutcome("mIoU", metrics, categories, outOfRangeWarning(records, classes));
  }

  /**
   * The warning for label values outside the classes, or none: how many images and pixels hold them
   * (mmsegmentation's arithmetic is kept, so they lower the IoU of the classes predicted there).
   */
  static List<String> outOfRangeWarning(List<Areas> records, int classes) {
    long images = 0;
    long pixels = 0;
    for (Areas r : records) {
      if (r.outOfRangeLabels() > 0) {
        images++;
        pixels += r.outOfRangeLabels();
      }
    }
    if (images == 0) {
      return List.of();
    }
    return List.of(
        images
            + " of "
            + records.size()
            + " label maps hold values outside the classes [0, "
            + classes
            + ") other than the ignore index "
            + SegmentationMetrics.IGNORE_INDEX
            + " ("
            + pixels
            + " pixels); as in mmsegmentation they count for no class, but their predictions"
            + " still do, which lowers those classes' IoU; check the label maps and the"
            + " dataset's num_classes and reduce_zero_label");
  }
}
