package io.vleval.cli.testplugins;

import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test task: predicts {@code argmax(embedding) % classes} and scores accuracy. It counts every
 * sample it processes, and throws after {@code vleval.test.crashAfter} samples when that system
 * property is set (to simulate a run that dies half way without changing the config); the model
 * "fails" on the sample named by {@code vleval.test.failSample}.
 */
public final class ColourAccuracyTaskProvider
    implements TaskProvider<ColourAccuracyTaskProvider.Spec> {

  /** Samples processed in this JVM, over all sessions. */
  public static final AtomicInteger PROCESSED = new AtomicInteger();

  /** Options. */
  public record Spec(
      @Doc("number of classes (default 3)") Integer classes,
      @Doc("a backbone block the task says it reads (checked at validation only)") Integer block) {
    public Spec {
      classes = classes == null ? 3 : classes;
    }
  }

  /** One prediction. */
  public record Prediction(String sampleId, int label, int predicted, boolean correct)
      implements SampleRecord {}

  @Override
  public String type() {
    return "test-accuracy";
  }

  @Override
  public String description() {
    return "test task: argmax of the image embedding as a class";
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
  public List<String> checkBackbone(Spec spec, BackboneShape shape) {
    if (spec.block() == null || (spec.block() >= 0 && spec.block() < shape.depth())) {
      return List.of();
    }
    return List.of(
        "it reads block "
            + spec.block()
            + ", but the backbone has "
            + shape.depth()
            + " blocks; allowed 0 to "
            + (shape.depth() - 1));
  }

  @Override
  public Task<LabelledImage, Prediction> create(Spec spec) {
    return new Task<>() {
      @Override
      public String version() {
        return "1";
      }

      @Override
      public Class<LabelledImage> sampleType() {
        return LabelledImage.class;
      }

      @Override
      public Class<Prediction> recordType() {
        return Prediction.class;
      }

      @Override
      public TaskSession<LabelledImage, Prediction> start(Model model, TaskContext context) {
        ImageEmbedder embedder = model.require(ImageEmbedder.class);
        return new TaskSession<>() {
          @Override
          public List<Prediction> process(List<LabelledImage> batch) {
            String crash = System.getProperty("vleval.test.crashAfter");
            if (crash != null && PROCESSED.get() + batch.size() > Integer.parseInt(crash)) {
              throw new IllegalStateException(
                  "simulated crash after " + PROCESSED.get() + " samples");
            }
            List<RgbImage> images = new ArrayList<>();
            for (LabelledImage s : batch) {
              if (s.id().equals(System.getProperty("vleval.test.failSample"))) {
                throw new VlevalException("simulated model failure on sample " + s.id());
              }
              images.add(s.image().load());
            }
            float[][] e = embedder.embedImages(images, ImageView.SQUASH);
            List<Prediction> out = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
              int best = 0;
              for (int d = 1; d < e[i].length; d++) {
                if (e[i][d] > e[i][best]) {
                  best = d;
                }
              }
              int predicted = best % spec.classes();
              out.add(
                  new Prediction(
                      batch.get(i).id(),
                      batch.get(i).label(),
                      predicted,
                      predicted == batch.get(i).label()));
            }
            PROCESSED.addAndGet(batch.size());
            return out;
          }

          @Override
          public TaskOutcome finish(List<Prediction> records) {
            long correct = records.stream().filter(Prediction::correct).count();
            double accuracy = records.isEmpty() ? Double.NaN : 100.0 * correct / records.size();
            return new TaskOutcome(
                "accuracy",
                List.of(MetricValue.higherIsBetter("accuracy", accuracy, "%")),
                List.of());
          }

          @Override
          public void close() {
            // nothing held
          }
        };
      }
    };
  }
}
