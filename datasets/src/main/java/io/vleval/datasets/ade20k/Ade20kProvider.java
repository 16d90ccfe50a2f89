package io.vleval.datasets.ade20k;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.FileLabelMapSource;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ADEChallengeData2016/images/<split>/*.jpg} with {@code annotations/<split>/*.png}. As
 * mmsegmentation does for ADE20K, {@code reduce_zero_label} is on by default: label 0 ("other")
 * becomes the ignore index 255 and classes 1..150 become 0..149.
 */
public final class Ade20kProvider implements DatasetProvider<Ade20kProvider.Spec> {

  /** Which half of ADE20K. */
  public enum Split {
    TRAINING,
    VALIDATION
  }

  /** Options of the ADE20K loader. */
  public record Spec(
      @Doc("the ADEChallengeData2016 folder") @Required @MustExist Path root,
      @Doc("training or validation (default validation)") Split split,
      @Doc("map 0 to 255 (ignored) and shift classes down by one (default true)")
          Boolean reduceZeroLabel,
      @Doc("number of classes after reduction (default 150)") Integer numClasses,
      @Doc("text file with one class name per line, in label order (default: 'class N')") @MustExist
          Path classNames) {
    public Spec {
      split = split == null ? Split.VALIDATION : split;
      reduceZeroLabel = reduceZeroLabel == null ? Boolean.TRUE : reduceZeroLabel;
      numClasses = numClasses == null ? 150 : numClasses;
      if (numClasses < 1 || numClasses > 255) {
        throw new IllegalArgumentException("num_classes must be from 1 to 255, got " + numClasses);
      }
    }
  }

  @Override
  public String type() {
    return "ade20k";
  }

  @Override
  public String description() {
    return "ADE20K (ADEChallengeData2016) images with per-pixel label maps, reduce_zero_label on by default";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return SegmentationPair.class;
  }

  @Override
  public Dataset<SegmentationPair> open(Spec spec, PluginContext context) {
    DatasetRoot dataset = new DatasetRoot(spec.root());
    Path root = dataset.path();
    String split = spec.split().name().toLowerCase(Locale.ROOT);
    Path images = root.resolve("images").resolve(split);
    Path annotations = root.resolve("annotations").resolve(split);
    if (!Files.isDirectory(images)) {
      throw new DatasetFormatException(
          root.toString(),
          "",
          "missing folder images/" + split + " (expected the ADEChallengeData2016 layout)");
    }
    List<String> stems = new ArrayList<>();
    Fingerprint fp =
        new Fingerprint("ade20k/1").add(split).add(String.valueOf(spec.reduceZeroLabel()));
    try (Stream<Path> list = Files.list(images)) {
      for (Path f :
          list.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList()) {
        String name = f.getFileName().toString();
        stems.add(name.substring(0, name.length() - 4));
        Path label = annotations.resolve(name.substring(0, name.length() - 4) + ".png");
        // nothing outside the root is read, not even its size: such files are refused when reached
        for (Path file : List.of(f, label)) {
          if (Files.isRegularFile(file) && dataset.staysInside(file)) {
            fp.addFileEntry(root, file);
          }
        }
      }
    } catch (IOException e) {
      throw new DatasetFormatException(
          images.toString(), "", "cannot list images: " + FailureText.of(e), e);
    }
    if (stems.isEmpty()) {
      throw new DatasetFormatException(
          images.toString(), "", "no .jpg images (expected ADE_<split>_<n>.jpg files)");
    }
    List<String> names = new ArrayList<>();
    if (spec.classNames() != null) {
      try {
        for (String line : Files.readAllLines(spec.classNames())) {
          if (!line.isBlank()) {
            names.add(line.strip());
          }
        }
      } catch (IOException e) {
        throw new DatasetFormatException(
            spec.classNames().toString(), "", "cannot read: " + FailureText.of(e), e);
      }
      if (names.size() != spec.numClasses()) {
        throw new DatasetFormatException(
            spec.classNames().toString(),
            "",
            names.size()
                + " class names for num_classes "
                + spec.numClasses()
                + "; expected one name per line, one per class");
      }
    } else {
      for (int c = 0; c < spec.numClasses(); c++) {
        names.add("class " + c);
      }
    }
    names.forEach(fp::add);
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), stems.size(), names, root.toString());
    return Dataset.of(
        SegmentationPair.class,
        info,
        () -> {
          return Cursors.indexed(
              stems.size(),
              i -> {
                String stem = stems.get(i);
                Path image = dataset.confine(images.resolve(stem + ".jpg"), stem);
                Path label = dataset.confine(annotations.resolve(stem + ".png"), stem);
                return new SegmentationPair(
                    stem,
                    new FileImageSource(image, stem, decoder),
                    new FileLabelMapSource(label, stem, spec.reduceZeroLabel(), decoder));
              });
        });
  }
}
