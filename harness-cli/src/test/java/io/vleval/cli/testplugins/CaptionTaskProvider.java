package io.vleval.cli.testplugins;

import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.EmptySpec;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Test task that needs caption generation: exact-match rate of generated captions. */
public final class CaptionTaskProvider implements TaskProvider<EmptySpec> {

  /** One caption. */
  public record Caption(String sampleId, String prediction, boolean exact)
      implements SampleRecord {}

  @Override
  public String type() {
    return "test-caption-match";
  }

  @Override
  public String description() {
    return "test task: exact-match rate of generated captions";
  }

  @Override
  public Class<EmptySpec> specType() {
    return EmptySpec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return CaptionedImage.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(EmptySpec spec) {
    return Set.of(CaptionGenerator.class);
  }

  @Override
  public Task<CaptionedImage, Caption> create(EmptySpec spec) {
    return new Task<>() {
      @Override
      public String version() {
        return "1";
      }

      @Override
      public Class<CaptionedImage> sampleType() {
        return CaptionedImage.class;
      }

      @Override
      public Class<Caption> recordType() {
        return Caption.class;
      }

      @Override
      public TaskSession<CaptionedImage, Caption> start(Model model, TaskContext context) {
        CaptionGenerator generator = model.require(CaptionGenerator.class);
        return new TaskSession<>() {
          @Override
          public List<Caption> process(List<CaptionedImage> batch) {
            List<Caption> out = new ArrayList<>();
            List<String> captions =
                generator.caption(
                    batch.stream().map(s -> s.image().load()).toList(),
                    "caption:",
                    GenerationSettings.greedy(8));
            for (int i = 0; i < batch.size(); i++) {
              out.add(
                  new Caption(
                      batch.get(i).id(),
                      captions.get(i),
                      batch.get(i).captions().contains(captions.get(i))));
            }
            return out;
          }

          @Override
          public TaskOutcome finish(List<Caption> records) {
            double rate =
                100.0
                    * records.stream().filter(Caption::exact).count()
                    / Math.max(1, records.size());
            return new TaskOutcome(
                "exact_match",
                List.of(MetricValue.higherIsBetter("exact_match", rate, "%")),
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
