package io.vleval.cli.testplugins;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.testkit.fake.FakeImages;
import io.vleval.testkit.fake.ListDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test dataset: {@code count} solid-colour images labelled {@code index % classes}. */
public final class ColourDatasetProvider implements DatasetProvider<ColourDatasetProvider.Spec> {

  /** Options. */
  public record Spec(
      @Doc("how many images") int count,
      @Doc("how many classes (default 3)") Integer classes,
      @Doc("an index whose image cannot be decoded") Integer brokenIndex,
      @Doc("a folder that must exist") @MustExist Path root) {
    public Spec {
      classes = classes == null ? 3 : classes;
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1");
      }
    }
  }

  @Override
  public String type() {
    return "test-colours";
  }

  @Override
  public String description() {
    return "test dataset of solid-colour images";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return LabelledImage.class;
  }

  @Override
  public Dataset<LabelledImage> open(Spec spec, PluginContext context) {
    List<LabelledImage> samples = new ArrayList<>();
    for (int i = 0; i < spec.count(); i++) {
      int index = i;
      RgbImage image = FakeImages.solid(i, 8);
      ImageSource source =
          new ImageSource() {
            @Override
            public RgbImage load() {
              if (spec.brokenIndex() != null && spec.brokenIndex() == index) {
                throw new DatasetFormatException("img-" + index + ".png", "", "corrupt image");
              }
              return image;
            }

            @Override
            public String origin() {
              return "img-" + index + ".png";
            }
          };
      samples.add(new LabelledImage(String.format("img-%04d", i), source, i % spec.classes()));
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < spec.classes(); c++) {
      names.add("class " + c);
    }
    return new ListDataset<>(LabelledImage.class, samples, names);
  }
}
