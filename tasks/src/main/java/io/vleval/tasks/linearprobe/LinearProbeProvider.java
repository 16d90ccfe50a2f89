package io.vleval.tasks.linearprobe;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskSession;
import io.vleval.tasks.head.LinearHead;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.zeroshot.ClassPrediction;
import io.vleval.tasks.zeroshot.ClassificationOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linear probing (InternViT's ImageNet protocol): frozen image features of the training split
 * (shorter side + center crop, as the reference's evaluation transform), a BatchNorm + Linear head
 * trained with SGD (Nesterov momentum 0.9, lr 0.1 per 512 samples, 1 warm-up epoch then cosine,
 * label smoothing 0.1, gradient clipping 5), top-1/top-5 on the evaluation split. Features of both
 * splits are cached under the run's cache folder, keyed by model checksum, dataset fingerprint and
 * preprocessing, so a second run with other head settings extracts nothing.
 */
public final class LinearProbeProvider implements TaskProvider<LinearProbeProvider.Spec> {

  private static final Logger LOG = LoggerFactory.getLogger(LinearProbeProvider.class);

  /** Head training settings, defaulting to the reference. */
  public record Spec(
      @Doc("training epochs (default 10)") Integer epochs,
      @Doc("batch size (default 512)") Integer batchSize,
      @Doc("peak learning rate (default 0.1 x batch_size / 512)") Double learningRate,
      @Doc("warm-up epochs (default 1)") Double warmupEpochs,
      @Doc("label smoothing (default 0.1)") Double labelSmoothing,
      @Doc("bootstrap resamples (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      epochs = epochs == null ? 10 : epochs;
      batchSize = batchSize == null ? 512 : batchSize;
      learningRate = learningRate == null ? 0.1 * batchSize / 512 : learningRate;
      warmupEpochs = warmupEpochs == null ? 1.0 : warmupEpochs;
      labelSmoothing = labelSmoothing == null ? 0.1 : labelSmoothing;
      resamples = resamples == null ? 1000 : resamples;
      if (epochs < 1
          || batchSize < 1
          || learningRate <= 0
          || labelSmoothing < 0
          || labelSmoothing >= 1) {
        throw new IllegalArgumentException(
            "epochs and batch_size must be positive, learning_rate > 0, "
                + "label_smoothing in [0, 1)");
      }
    }
  }

  static final ImageView VIEW = ImageView.SHORTER_SIDE_CENTER_CROP;

  @Override
  public String type() {
    return "linear-probe";
  }

  @Override
  public String description() {
    return "linear probing on frozen image features (cached), BN + linear head trained with DJL; top-1, top-5";
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
    return Set.of(ImageEmbedder.class);
  }

  @Override
  public boolean needsTrainingData(Spec spec) {
    return true;
  }

  @Override
  public Task<LabelledImage, ClassPrediction> create(Spec spec) {
    return Task.of(
        "1",
        LabelledImage.class,
        ClassPrediction.class,
        (model, context) -> {
          Dataset<?> train =
              context
                  .training()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "linear-probe needs a training dataset; the planner checks it"));
          FeatureCache cache = new FeatureCache(context.cacheDirectory().resolve("features"));
          ImageEmbedder embedder = model.require(ImageEmbedder.class);
          String modelId = model.info().checksum();
          String trainKey =
              FeatureCache.key("linear-probe/1", modelId, train.info().fingerprint(), VIEW.name());
          FeatureCache.Features trainFeatures = cache.read(trainKey);
          if (trainFeatures == null) {
            trainFeatures = extract(train, embedder, context.batchSize());
            cache.write(trainKey, trainFeatures);
          } else {
            LOG.info(
                "linear-probe: training features from the cache ({} samples)",
                trainFeatures.vectors().size());
          }
          List<String> names = context.evaluation().classNames();
          float[][] x = trainFeatures.vectors().values().toArray(new float[0][]);
          int[] y = trainFeatures.labels().values().stream().mapToInt(Integer::intValue).toArray();
          LinearHead head =
              LinearHead.train(
                  x,
                  y,
                  names.size(),
                  new LinearHead.Settings(
                      spec.epochs(),
                      spec.batchSize(),
                      spec.learningRate(),
                      spec.warmupEpochs(),
                      spec.labelSmoothing(),
                      5.0,
                      context.seed()));
          String evalKey =
              FeatureCache.key(
                  "linear-probe/1", modelId, context.evaluation().fingerprint(), VIEW.name());
          FeatureCache.Features cachedEval = cache.read(evalKey);
          Map<String, Integer> evalLabels = new LinkedHashMap<>();
          Map<String, float[]> evalVectors = new LinkedHashMap<>();
          return TaskSession.<LabelledImage, ClassPrediction>of(
              batch -> {
                float[][] features = new float[batch.size()][];
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                  float[] v =
                      cachedEval == null ? null : cachedEval.vectors().get(batch.get(i).id());
                  if (v == null) {
                    missing.add(i);
                  } else {
                    features[i] = v;
                  }
                }
                if (!missing.isEmpty()) {
                  List<RgbImage> images = new ArrayList<>();
                  for (int i : missing) {
                    images.add(batch.get(i).image().load());
                  }
                  float[][] computed = embedder.embedImages(images, VIEW);
                  for (int k = 0; k < missing.size(); k++) {
                    features[missing.get(k)] = computed[k];
                  }
                }
                float[][] logits = head.logits(features);
                List<ClassPrediction> out = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                  evalLabels.put(batch.get(i).id(), batch.get(i).label());
                  evalVectors.put(batch.get(i).id(), features[i]);
                  out.add(ClassPrediction.of(batch.get(i).id(), batch.get(i).label(), logits[i]));
                }
                return out;
              },
              records -> {
                // every sample went through this session: the evaluation features are complete,
                // keep them
                if (cachedEval == null
                    && !evalVectors.isEmpty()
                    && evalVectors.size() == records.size()) {
                  cache.write(evalKey, new FeatureCache.Features(evalLabels, evalVectors));
                }
                ScoreOptions options =
                    spec.resamples() == 0
                        ? ScoreOptions.NO_INTERVALS
                        : new ScoreOptions(spec.resamples(), context.seed(), 0.95);
                return ClassificationOutcome.of(records, names, options, false);
              },
              () -> head.close());
        });
  }

  private static FeatureCache.Features extract(
      Dataset<?> dataset, ImageEmbedder embedder, int batchSize) {
    Map<String, Integer> labels = new LinkedHashMap<>();
    Map<String, float[]> vectors = new LinkedHashMap<>();
    List<LabelledImage> batch = new ArrayList<>();
    try (SampleCursor<?> cursor = dataset.samples()) {
      while (cursor.hasNext()) {
        batch.add((LabelledImage) cursor.next());
        if (batch.size() == batchSize || !cursor.hasNext()) {
          List<RgbImage> images = new ArrayList<>();
          for (LabelledImage s : batch) {
            images.add(s.image().load());
          }
          float[][] v = embedder.embedImages(images, VIEW);
          for (int i = 0; i < batch.size(); i++) {
            labels.put(batch.get(i).id(), batch.get(i).label());
            vectors.put(batch.get(i).id(), v[i]);
          }
          batch.clear();
        }
      }
    }
    return new FeatureCache.Features(labels, vectors);
  }
}
