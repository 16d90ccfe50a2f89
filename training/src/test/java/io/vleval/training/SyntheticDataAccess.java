package io.vleval.training;

import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The suite's MMBench rows with their images, for the tests of sub-packages (stage 3). */
public final class SyntheticDataAccess {

  private SyntheticDataAccess() {}

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
