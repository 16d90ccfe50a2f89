package io.vleval.training;

import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.training.data.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Public access to the shared test data for the tests of sub-packages (stage 3). */
public final class SyntheticDataAccess {

  private SyntheticDataAccess() {}

  /**
   * @return the tiny suite as training data
   */
  public static TrainingData tiny() {
    return SyntheticData.tiny();
  }

  /**
   * @param imageSize the side images are preprocessed to
   * @return the small suite (seed 0), the one {@code examples/train-tiny.yaml} trains on
   */
  public static TrainingData small(int imageSize) {
    return SyntheticData.load(Scale.SMALL, imageSize);
  }

  /**
   * @return the tiny suite's MMBench rows with their images
   */
  public static List<MultipleChoiceQuestion> mmbench() {
    return mmbench(Scale.TINY);
  }

  /**
   * @param scale the suite's scale
   * @return that suite's MMBench rows with their images
   */
  public static List<MultipleChoiceQuestion> mmbench(Scale scale) {
    Path cache = SyntheticData.CACHE;
    var d =
        new SyntheticDatasetProvider()
            .open(
                new SyntheticDatasetProvider.Spec(
                    SyntheticDatasetProvider.Part.MMBENCH, scale, 0L, null, cache),
                new PluginContext(0, cache, 2));
    List<MultipleChoiceQuestion> out = new ArrayList<>();
    try (SampleCursor<?> c = d.samples()) {
      while (c.hasNext()) {
        MultipleChoiceQuestion q = (MultipleChoiceQuestion) c.next();
        if (q.image() != null) {
          out.add(q);
        }
      }
    }
    return out;
  }
}
