package io.vleval.cli.testplugins;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.EmptySpec;
import io.vleval.testkit.fake.FakeImages;
import io.vleval.testkit.fake.ListDataset;
import java.util.List;

/** Test dataset of captioned images, to check that tasks refuse the wrong sample kind. */
public final class CaptionDatasetProvider implements DatasetProvider<EmptySpec> {
  @Override
  public String type() {
    return "test-captions";
  }

  @Override
  public String description() {
    return "test dataset of captioned images";
  }

  @Override
  public Class<EmptySpec> specType() {
    return EmptySpec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(EmptySpec spec) {
    return CaptionedImage.class;
  }

  @Override
  public Dataset<CaptionedImage> open(EmptySpec spec, PluginContext context) {
    return new ListDataset<>(
        CaptionedImage.class,
        List.of(
            new CaptionedImage(
                "c0", ImageSource.of(FakeImages.solid(0, 8), "c0"), List.of("a red image"))),
        List.of());
  }
}
