package io.vleval.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticSuite;
import io.vleval.testkit.contract.ModelProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NearestCaptionProviderTest extends ModelProviderContractTest<NearestCaptionProvider.Spec> {

  private static Path suite;

  /** The tiny synthetic suite, written once for the class. */
  private static synchronized Path suite() {
    if (suite == null) {
      try {
        suite = Files.createTempDirectory("vleval-baselines-suite").resolve("tiny");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      new SyntheticSuite(7, Scale.TINY).write(suite, 2);
    }
    return suite;
  }

  @Override
  protected ModelProvider<NearestCaptionProvider.Spec> provider() {
    return new NearestCaptionProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "annotations: " + suite().resolve("captions/dataset_coco.json") + "\ngrid: 4\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("grid: 4\n", "synthetic_scale");
  }

  @Test
  void aTrainingImageGetsItsOwnCaption() {
    try (Model model = provider().load(exampleSpec(), context(0))) {
      var train =
          new KarpathyProvider()
              .open(
                  new KarpathyProvider.Spec(
                      suite().resolve("captions/dataset_coco.json"), null, List.of("train")),
                  new PluginContext(0, temp, 1));
      try (SampleCursor<CaptionedImage> c = train.samples()) {
        CaptionedImage first = c.next();
        List<String> out =
            model
                .require(CaptionGenerator.class)
                .caption(List.of(first.image().load()), "caption:", GenerationSettings.greedy(5));
        assertThat(out).containsExactly(first.captions().get(0));
      }
    }
  }
}
