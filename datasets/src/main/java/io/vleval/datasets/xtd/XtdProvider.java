package io.vleval.datasets.xtd;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * XTD (the multilingual COCO retrieval test): {@code test_image_names.txt} and {@code
 * test_1kcaptions_<lang>.txt}, one line per image, aligned; one caption per image and language. The
 * reference metric is image-to-text Recall@10 per language.
 */
public final class XtdProvider implements DatasetProvider<XtdProvider.Spec> {

  /** Options of the XTD loader. */
  public record Spec(
      @Doc("the folder with test_image_names.txt and the caption files") @Required @MustExist
          Path root,
      @Doc("folder of the images named in test_image_names.txt (default: root/images)") @MustExist
          Path images,
      @Doc("language code of the caption file, e.g. en, es, fr, zh, it, ko, ru, jp (default en)")
          String language) {
    public Spec {
      language = language == null ? "en" : language;
      if (!language.matches("[a-z]{2,3}")) {
        throw new IllegalArgumentException(
            "language must be a short code like en or zh, got '" + language + "'");
      }
    }
  }

  @Override
  public String type() {
    return "xtd";
  }

  @Override
  public String description() {
    return "XTD multilingual retrieval: image list + test_1kcaptions_<lang>.txt, one caption per image";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return CaptionedImage.class;
  }

  @Override
  public Dataset<CaptionedImage> open(Spec spec, PluginContext context) {
    Path root = spec.root().toAbsolutePath().normalize();
    Path namesFile = root.resolve("test_image_names.txt");
    Path captionsFile = root.resolve("test_1kcaptions_" + spec.language() + ".txt");
    List<String> names = lines(namesFile);
    List<String> captions = lines(captionsFile);
    if (names.size() != captions.size()) {
      throw new DatasetFormatException(
          captionsFile.toString(),
          "",
          captions.size()
              + " captions for "
              + names.size()
              + " images in "
              + namesFile.getFileName()
              + "; the files must align line by line");
    }
    DatasetRoot images =
        new DatasetRoot(spec.images() != null ? spec.images() : root.resolve("images"));
    Fingerprint fp =
        new Fingerprint("xtd/1")
            .add(spec.language())
            .addFileContent(namesFile)
            .addFileContent(captionsFile);
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), names.size(), List.of(), root.toString());
    return Dataset.of(
        CaptionedImage.class,
        info,
        () -> {
          return Cursors.indexed(
              names.size(),
              i -> {
                String name = names.get(i);
                Path file = images.resolve(name, namesFile.toString(), "line " + (i + 1), name);
                return new CaptionedImage(
                    name, new FileImageSource(file, name, decoder), List.of(captions.get(i)));
              });
        });
  }

  private static List<String> lines(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetFormatException(
          file.toString(), "", "file not found (expected the XTD layout)");
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
        lines.remove(lines.size() - 1);
      }
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          throw new DatasetFormatException(
              file.toString(), "line " + (i + 1), "empty line, expected one entry a line");
        }
      }
      return lines.stream().map(String::strip).toList();
    } catch (CharacterCodingException e) {
      throw new DatasetFormatException(file.toString(), "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }
}
