package io.vleval.tasks.linearprobe;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.head.FeatureRows;
import io.vleval.tasks.head.LinearHead;
import io.vleval.tasks.head.ProbeHead;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear probing, InternViT's ImageNet protocol (InternVL {@code classification/}: {@code
 * configs/intern_vit_6b_1k_224.yaml}, {@code main.py}, {@code models/intern_vit_6b.py}, {@code
 * dataset/build.py}).
 *
 * <p>{@code mode: reference} (the default) trains the reference's head with the frozen backbone in
 * the loop: every epoch each training image goes through RandomResizedCrop(224, bicubic) + flip,
 * each batch through Mixup 0.8 / CutMix 1.0 with label smoothing 0.1, and the backbone computes the
 * feature of every augmented image; BatchNorm1d + Linear trained with soft-target cross entropy,
 * SGD (Nesterov 0.9, lr 0.1 per 512 images, 1 warm-up epoch then per-step cosine to 0 as timm's
 * scheduler steps it), gradient clipping 5, 10 epochs. Evaluation: Resize(224, shorter side,
 * bicubic) + CenterCrop(224), top-1 and top-5.
 *
 * <p>{@code mode: cached-features} is the fast variant: features of both splits extracted once
 * (evaluation transform), cached under the cache folder, and a BN + linear head trained on them
 * without augmentation or mixing.
 *
 * <p>The feature ({@code feature:}) is the reference's {@code cls_patch_concat} (class token and
 * mean patch token of the last block, no final norm), its {@code attention_pooling} head, or the
 * model's {@code embedding} for models without blocks. {@code fraction: 1/16} trains on a per-class
 * share of the training set. One trained head scores the task's {@code dataset} and each of its
 * {@code eval_datasets} (ImageNet-ReaL, -V2, -Sketch, -A, -R), classes matched by name, the logits
 * restricted to a subset's classes as the reference restricts them for ImageNet-A and -R.
 */
public final class LinearProbeProvider implements TaskProvider<LinearProbeProvider.Spec> {

  private static final Logger LOG = LoggerFactory.getLogger(LinearProbeProvider.class);

  /** The task's protocol version, recorded with every result. */
  static final String VERSION = "2";

  /** How the head is trained. */
  public enum Mode {
    /** The reference: augmented images through the frozen backbone every epoch, Mixup/CutMix. */
    REFERENCE,
    /** Cached frozen features of the evaluation transform, no augmentation. */
    CACHED_FEATURES
  }

  /** Settings, defaulting to the reference's. */
  public record Spec(
      @Doc(
              "reference (default: augmented images through the frozen backbone every epoch) or"
                  + " cached-features (features cached once, no augmentation)")
          Mode mode,
      @Doc(
              "cls-patch-concat (default: last block's class token + mean patch token),"
                  + " attention-pooling (a trained pooling over the block's tokens) or embedding (the"
                  + " model's image embedding, for models without blocks)")
          ProbeFeature feature,
      @Doc("the block the feature reads, 0-based (default: the last)") Integer block,
      @Doc(
              "input side in pixels, a multiple of the patch (default: the model's input size; 224"
                  + " for the embedding)")
          Integer inputSize,
      @Doc("attention-pooling heads; must divide the channels (default 25, InternViT-6B's)")
          Integer poolingHeads,
      @Doc("share of the training set, per class, e.g. 1/16 (default 1/1: all of it)")
          String fraction,
      @Doc("training epochs (default 10)") Integer epochs,
      @Doc("batch size of the head's training (default 1024; even when mixing)") Integer batchSize,
      @Doc("peak learning rate (default 0.1 x batch_size / 512)") Double learningRate,
      @Doc("warm-up epochs, from 0 (default 1)") Double warmupEpochs,
      @Doc("weight decay of the weight matrices (default 0)") Double weightDecay,
      @Doc("label smoothing (default 0.1)") Double labelSmoothing,
      @Doc("Mixup alpha, 0 for none (default 0.8; mode reference)") Double mixup,
      @Doc("CutMix alpha, 0 for none (default 1.0; mode reference)") Double cutmix,
      @Doc("probability of CutMix rather than Mixup for a batch (default 0.5)")
          Double mixupSwitchProb,
      @Doc("gradient-norm clipping (default 5.0)") Double clipGrad,
      @Doc("bootstrap resamples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      mode = mode == null ? Mode.REFERENCE : mode;
      feature = feature == null ? ProbeFeature.CLS_PATCH_CONCAT : feature;
      poolingHeads = poolingHeads == null ? 25 : poolingHeads;
      fraction = fraction == null ? "1/1" : fraction;
      epochs = epochs == null ? 10 : epochs;
      batchSize = batchSize == null ? 1024 : batchSize;
      learningRate = learningRate == null ? 0.1 * batchSize / 512 : learningRate;
      warmupEpochs = warmupEpochs == null ? 1.0 : warmupEpochs;
      weightDecay = weightDecay == null ? 0.0 : weightDecay;
      labelSmoothing = labelSmoothing == null ? 0.1 : labelSmoothing;
      mixup = mixup == null ? 0.8 : mixup;
      cutmix = cutmix == null ? 1.0 : cutmix;
      mixupSwitchProb = mixupSwitchProb == null ? 0.5 : mixupSwitchProb;
      clipGrad = clipGrad == null ? 5.0 : clipGrad;
      resamples = resamples == null ? 1000 : resamples;
      Fraction.parse(fraction);
      if (epochs < 1 || batchSize < 1 || learningRate <= 0 || warmupEpochs < 0) {
        throw new IllegalArgumentException(
            "epochs and batch_size must be positive, learning_rate > 0, warmup_epochs >= 0");
      }
      if (labelSmoothing < 0 || labelSmoothing >= 1) {
        throw new IllegalArgumentException(
            "label_smoothing must lie in [0, 1), got " + labelSmoothing);
      }
      if (mixup < 0 || cutmix < 0 || mixupSwitchProb < 0 || mixupSwitchProb > 1) {
        throw new IllegalArgumentException(
            "mixup and cutmix must be >= 0 and mixup_switch_prob in [0, 1]");
      }
      if (weightDecay < 0 || clipGrad <= 0 || resamples < 0) {
        throw new IllegalArgumentException(
            "weight_decay and resamples must be >= 0 and clip_grad > 0");
      }
      if (mode == Mode.REFERENCE && (mixup > 0 || cutmix > 0) && batchSize % 2 != 0) {
        throw new IllegalArgumentException(
            "batch_size must be even when Mixup or CutMix is on (timm mixes a batch with its"
                + " mirror image), got "
                + batchSize);
      }
      if ((block != null && block < 0) || (inputSize != null && inputSize < 1)) {
        throw new IllegalArgumentException("block must be >= 0 and input_size positive");
      }
      if (poolingHeads < 1) {
        throw new IllegalArgumentException("pooling_heads must be positive, got " + poolingHeads);
      }
      if (mode == Mode.CACHED_FEATURES && feature == ProbeFeature.ATTENTION_POOLING) {
        throw new IllegalArgumentException(
            "feature attention-pooling trains its pooling on every token of every image, which"
                + " mode cached-features does not keep; use mode reference");
      }
      if (feature == ProbeFeature.EMBEDDING && block != null) {
        throw new IllegalArgumentException(
            "block applies to the block features (cls-patch-concat, attention-pooling), not to"
                + " feature embedding");
      }
    }

    /** The training subset. */
    public Fraction share() {
      return Fraction.parse(fraction);
    }
  }

  @Override
  public String type() {
    return "linear-probe";
  }

  @Override
  public String description() {
    return "linear probing: BN + linear head on a frozen backbone (reference: augmented images"
        + " through the backbone every epoch, Mixup/CutMix; or cached features); top-1, top-5,"
        + " ImageNet-ReaL accuracy";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return LabelledImage.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(spec.feature().capability());
  }

  @Override
  public boolean needsTrainingData(Spec spec) {
    return true;
  }

  @Override
  public boolean evaluatesFurtherDatasets(Spec spec) {
    return true;
  }

  @Override
  public List<String> checkBackbone(Spec spec, BackboneShape shape) {
    List<String> problems = new ArrayList<>();
    if (!spec.feature().readsBlocks()) {
      return problems;
    }
    if (spec.block() != null && spec.block() >= shape.depth()) {
      problems.add(
          "it reads block "
              + spec.block()
              + ", but the backbone has "
              + shape.depth()
              + " blocks; allowed 0 to "
              + (shape.depth() - 1));
    }
    if (spec.inputSize() != null && spec.inputSize() % shape.patchSize() != 0) {
      problems.add(
          "input_size "
              + spec.inputSize()
              + " is not a multiple of the backbone's "
              + shape.patchSize()
              + " px patch; e.g. "
              + Math.max(
                  shape.patchSize(), spec.inputSize() / shape.patchSize() * shape.patchSize())
              + " or "
              + (spec.inputSize() / shape.patchSize() + 1) * shape.patchSize());
    }
    if (spec.feature() == ProbeFeature.ATTENTION_POOLING
        && shape.channels() % spec.poolingHeads() != 0) {
      problems.add(
          "pooling_heads "
              + spec.poolingHeads()
              + " does not divide the backbone's "
              + shape.channels()
              + " channels; set pooling_heads to the backbone's attention heads");
    }
    return problems;
  }

  /**
   * The protocol's name in the results: {@code reference} or {@code cached-features}, then {@code
   * +attention-pooling} or {@code +embedding} when the feature is not the reference's {@code
   * cls_patch_concat}, then {@code +fraction=1/16} when the head trains on a share of the training
   * set.
   */
  static String protocol(Spec spec) {
    StringBuilder p =
        new StringBuilder(spec.mode() == Mode.REFERENCE ? "reference" : "cached-features");
    if (spec.feature() != ProbeFeature.CLS_PATCH_CONCAT) {
      p.append('+').append(spec.feature().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    if (!spec.share().isAll()) {
      p.append("+fraction=").append(spec.share());
    }
    return p.toString();
  }

  @Override
  public Task<LabelledImage, ProbePrediction> create(Spec spec) {
    String protocol = protocol(spec);
    return new Task<>() {
      @Override
      public String version() {
        return VERSION;
      }

      @Override
      public String protocol() {
        return protocol;
      }

      @Override
      public Class<LabelledImage> sampleType() {
        return LabelledImage.class;
      }

      @Override
      public Class<ProbePrediction> recordType() {
        return ProbePrediction.class;
      }

      @Override
      public TaskSession<LabelledImage, ProbePrediction> start(Model model, TaskContext context) {
        Dataset<?> train =
            context
                .training()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "linear-probe needs a training dataset; the planner checks it"));
        Probe probe = new Probe(spec, model, train, context);
        try {
          // a further dataset whose classes the head would not know fails before any training
          for (DatasetInfo other : context.further()) {
            ClassMapping.of(
                other.classNames(), probe.classes(), other.location(), train.info().location());
          }
          probe.train();
          return new Session(probe, context.evaluation(), true);
        } catch (RuntimeException e) {
          probe.close();
          throw e;
        }
      }
    };
  }

  /** The head, trained when the task starts and shared by the sessions of every evaluation set. */
  private static final class Probe {
    private final Spec spec;
    private final Model model;
    private final Dataset<?> train;
    private final TaskContext context;
    private final int block;
    private final int side;
    private final ProbeFeature.Source source;
    private final FeatureCache cache;
    private ProbeHead reference;
    private LinearHead cached;

    Probe(Spec spec, Model model, Dataset<?> train, TaskContext context) {
      this.spec = spec;
      this.model = model;
      this.train = train;
      this.context = context;
      if (spec.feature().readsBlocks()) {
        BlockFeatureExtractor blocks = model.require(BlockFeatureExtractor.class);
        block = spec.block() != null ? spec.block() : blocks.depth() - 1;
        side = spec.inputSize() != null ? spec.inputSize() : blocks.inputSize();
        if (block >= blocks.depth() || side % blocks.patchSize() != 0) {
          throw new VlevalException(
              "linear-probe: block "
                  + block
                  + " and input_size "
                  + side
                  + " do not fit the model's backbone ("
                  + blocks.depth()
                  + " blocks, "
                  + blocks.patchSize()
                  + " px patches)");
        }
      } else {
        block = -1;
        side = spec.inputSize() != null ? spec.inputSize() : 224;
      }
      source = spec.feature().source(model, block, side);
      cache =
          spec.mode() == Mode.CACHED_FEATURES
              ? new FeatureCache(context.cacheDirectory().resolve("features"))
              : null;
    }

    List<String> classes() {
      return train.info().classNames();
    }

    /** The cache key of a dataset's features under the evaluation transform. */
    String cacheKey(DatasetInfo data) {
      String checksum = model.info().checksum();
      if (spec.feature() == ProbeFeature.EMBEDDING) {
        // the key the embedding's cache always had, so existing caches stay valid
        return FeatureCache.key("linear-probe/1", checksum, data.fingerprint(), VIEW.name());
      }
      return FeatureCache.key(
          "linear-probe/2",
          checksum,
          data.fingerprint(),
          VIEW.name(),
          spec.feature().name(),
          Integer.toString(block),
          Integer.toString(side));
    }

    float[][] features(List<RgbImage> images) {
      return source.of(images, VIEW);
    }

    /** Logits over the head's classes for evaluation features. */
    float[][] logits(float[][] features) {
      return reference != null ? reference.logits(features) : cached.logits(features);
    }

    /** Trains the head on the training set (its share). */
    void train() {
      List<LabelledImage> samples = new ArrayList<>();
      try (SampleCursor<?> cursor = train.samples()) {
        while (cursor.hasNext()) {
          samples.add((LabelledImage) cursor.next());
        }
      }
      Fraction share = spec.share();
      List<LabelledImage> subset = share.sample(samples, context.runSeed());
      if (!share.isAll()) {
        LOG.info(
            "linear-probe: training on {} of {} images ({} per class)",
            subset.size(),
            samples.size(),
            share);
      }
      int classes = classes().size();
      if (spec.mode() == Mode.REFERENCE) {
        int channels =
            spec.feature() == ProbeFeature.ATTENTION_POOLING
                ? model.require(BlockFeatureExtractor.class).channels()
                : 0;
        if (channels > 0 && channels % spec.poolingHeads() != 0) {
          throw new VlevalException(
              "linear-probe: pooling_heads "
                  + spec.poolingHeads()
                  + " does not divide the model's "
                  + channels
                  + " channels");
        }
        reference =
            ReferenceTraining.train(
                subset,
                classes,
                source,
                new ReferenceTraining.Settings(
                    spec.epochs(),
                    spec.batchSize(),
                    spec.learningRate(),
                    spec.warmupEpochs(),
                    new ProbeHead.StepSettings(0.9, spec.weightDecay(), spec.clipGrad()),
                    new MixBatch.Settings(
                        spec.mixup(),
                        spec.cutmix(),
                        1.0,
                        spec.mixupSwitchProb(),
                        spec.labelSmoothing()),
                    side,
                    channels > 0 ? spec.poolingHeads() : 0,
                    channels,
                    context.seed()),
                share.isAll()
                    ? train.info().location()
                    : train.info().location() + " (its " + share + " share)");
      } else {
        cached = trainCached(samples, subset, classes);
      }
    }

    private LinearHead trainCached(
        List<LabelledImage> samples, List<LabelledImage> subset, int classes) {
      String key = cacheKey(train.info());
      FeatureFile all = cache.open(key);
      if (all == null) {
        if (samples.isEmpty()) {
          throw new VlevalException(
              "linear-probe: the training set " + train.info().location() + " has no images");
        }
        extract(samples, context.batchSize(), key);
        all = cache.open(key);
      } else {
        LOG.info("linear-probe: training features from the cache ({} samples)", all.size());
      }
      try (FeatureFile features = all) {
        int[] rows = new int[subset.size()];
        int[] y = new int[subset.size()];
        for (int i = 0; i < subset.size(); i++) {
          rows[i] = features.row(subset.get(i).id());
          y[i] = subset.get(i).label();
          if (rows[i] < 0) {
            throw new VlevalException(
                "linear-probe: the feature cache "
                    + features.path()
                    + " lacks training sample '"
                    + subset.get(i).id()
                    + "'; delete it");
          }
        }
        return LinearHead.train(
            new Subset(features, rows),
            y,
            classes,
            new LinearHead.Settings(
                spec.epochs(),
                spec.batchSize(),
                spec.learningRate(),
                spec.warmupEpochs(),
                spec.labelSmoothing(),
                spec.clipGrad(),
                context.seed()));
      }
    }

    /** Extracts the features of {@code samples} into the cache, a batch at a time. */
    private void extract(List<LabelledImage> samples, int batchSize, String key) {
      try (FeatureFile.Writer out = cache.writer(key)) {
        for (int from = 0; from < samples.size(); from += batchSize) {
          List<LabelledImage> batch =
              samples.subList(from, Math.min(samples.size(), from + batchSize));
          List<RgbImage> images = new ArrayList<>();
          for (LabelledImage s : batch) {
            images.add(s.image().load());
          }
          float[][] v = features(images);
          for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).id(), batch.get(i).label(), v[i]);
          }
        }
        out.commit();
      }
    }

    void close() {
      if (reference != null) {
        reference.close();
      }
      if (cached != null) {
        cached.close();
      }
    }
  }

  static final ImageView VIEW = ImageView.SHORTER_SIDE_CENTER_CROP;

  /** The rows of a feature file that a (few-shot) training subset uses, in subset order. */
  private record Subset(FeatureRows file, int[] rows) implements FeatureRows {
    @Override
    public int size() {
      return rows.length;
    }

    @Override
    public int dim() {
      return file.dim();
    }

    @Override
    public void gather(int[] wanted, float[] out) {
      int[] mapped = new int[wanted.length];
      for (int i = 0; i < wanted.length; i++) {
        mapped[i] = rows[wanted[i]];
      }
      file.gather(mapped, out);
    }
  }

  /** Scores one evaluation dataset with the shared head. */
  private static final class Session implements TaskSession<LabelledImage, ProbePrediction> {
    private final Probe probe;
    private final DatasetInfo data;
    private final boolean owner;
    private final ClassMapping mapping;

    /** This dataset's cached features, or null. */
    private final FeatureFile cachedEval;

    /** With a cache and none for this dataset yet: its features as they are computed. */
    private FeatureFile.Writer evalWriter;

    Session(Probe probe, DatasetInfo data, boolean owner) {
      this.probe = probe;
      this.data = data;
      this.owner = owner;
      // a dataset whose classes do not fit the head's fails here, before any sample
      this.mapping =
          ClassMapping.of(
              data.classNames(), probe.classes(), data.location(), probe.train.info().location());
      this.cachedEval = probe.cache == null ? null : probe.cache.open(probe.cacheKey(data));
    }

    @Override
    public List<ProbePrediction> process(List<LabelledImage> batch) {
      float[][] features = new float[batch.size()][];
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        int row = cachedEval == null ? -1 : cachedEval.row(batch.get(i).id());
        if (row < 0) {
          missing.add(i);
        } else {
          features[i] = cachedEval.vector(row);
        }
      }
      if (!missing.isEmpty()) {
        List<RgbImage> images = new ArrayList<>();
        for (int i : missing) {
          images.add(batch.get(i).image().load());
        }
        float[][] computed = probe.features(images);
        for (int k = 0; k < missing.size(); k++) {
          features[missing.get(k)] = computed[k];
        }
      }
      float[][] logits = probe.logits(features);
      List<ProbePrediction> out = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        LabelledImage s = batch.get(i);
        if (probe.cache != null && cachedEval == null) {
          if (evalWriter == null) {
            evalWriter = probe.cache.writer(probe.cacheKey(data));
          }
          evalWriter.add(s.id(), s.label(), features[i]);
        }
        out.add(
            ProbePrediction.of(s.id(), s.label(), s.acceptedLabels(), mapping.restrict(logits[i])));
      }
      return out;
    }

    @Override
    public TaskOutcome finish(List<ProbePrediction> records) {
      // every sample went through this session: the evaluation features are complete, keep them
      if (evalWriter != null && evalWriter.rows() == records.size()) {
        evalWriter.commit();
      }
      ScoreOptions options =
          probe.spec.resamples() == 0
              ? ScoreOptions.NO_INTERVALS
              : new ScoreOptions(probe.spec.resamples(), probe.context.seed(), 0.95);
      return ProbeScores.of(records, data.classNames(), options);
    }

    @Override
    public TaskSession<LabelledImage, ProbePrediction> on(DatasetInfo other) {
      return new Session(probe, other, false);
    }

    @Override
    public void close() {
      try {
        if (evalWriter != null) {
          // removes the partial file of a resumed run, whose features are not all here
          evalWriter.close();
        }
        if (cachedEval != null) {
          cachedEval.close();
        }
      } finally {
        if (owner) {
          probe.close();
        }
      }
    }
  }
}
