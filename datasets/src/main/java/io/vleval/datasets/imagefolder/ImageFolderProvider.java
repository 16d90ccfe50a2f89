package io.vleval.datasets.imagefolder;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledImage;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * ImageNet-style folders: {@code root/<class-folder>/<image>}. Labels follow the sorted folder
 * names (as torchvision's ImageFolder does), or the order of {@code class_subset} when given
 * (ImageNet-A/-R style: 200 of the 1000 classes).
 */
public final class ImageFolderProvider implements DatasetProvider<ImageFolderProvider.Spec> {

  static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

  /** Options of the image-folder loader. */
  public record Spec(
      @Doc("the split folder holding one folder per class") @Required @MustExist Path root,
      @Doc(
              "display names: JSON list, JSON map folder-to-name, or one name per line (default: folder names)")
          @MustExist
          Path classNames,
      @Doc("text file, one class folder per line: only these classes, labelled in this order")
          @MustExist
          Path classSubset,
      @Doc("apply EXIF orientation to JPEGs (default true; PIL's loader does not)")
          Boolean exifOrientation) {
    public Spec {
      exifOrientation = exifOrientation == null ? Boolean.TRUE : exifOrientation;
    }
  }

  @Override
  public String type() {
    return "imagefolder";
  }

  @Override
  public String description() {
    return "ImageNet-style class folders (split/<class>/<image>), with display names and class subsets";
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
    DatasetRoot dataset = new DatasetRoot(spec.root());
    Path root = dataset.path();
    List<String> folders = classFolders(dataset, spec.classSubset());
    List<String> names =
        spec.classNames() != null ? ClassNames.read(spec.classNames(), folders) : folders;
    // the listing is names only (a few tens of bytes an image), never pixels
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Fingerprint fp = new Fingerprint("imagefolder/1");
    for (int label = 0; label < folders.size(); label++) {
      Path dir = root.resolve(folders.get(label));
      try (Stream<Path> list = Files.list(dir)) {
        for (Path f :
            list.filter(Files::isRegularFile)
                .filter(ImageFolderProvider::isImage)
                .sorted()
                .toList()) {
          files.add(f);
          labels.add(label);
          if (dataset.staysInside(f)) {
            fp.addFileEntry(root, f);
          } else {
            // refused when reached; nothing outside the root is read, not even its size
            fp.add(root.relativize(f).toString().replace('\\', '/'));
          }
        }
      } catch (IOException e) {
        throw new DatasetFormatException(
            dir.toString(), "", "cannot list class folder: " + FailureText.of(e));
      }
    }
    if (files.isEmpty()) {
      throw new DatasetFormatException(
          root.toString(),
          "",
          "no images found in "
              + folders.size()
              + " class folders (expected files ending in "
              + String.join(", ", EXTENSIONS.stream().sorted().toList())
              + ")");
    }
    names.forEach(fp::add);
    ImageDecoder decoder =
        spec.exifOrientation()
            ? ImageDecoder.create()
            : ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), files.size(), names, root.toString());
    return Dataset.of(
        LabelledImage.class,
        info,
        () -> {
          return Cursors.indexed(
              files.size(),
              i -> {
                String id = root.relativize(files.get(i)).toString().replace('\\', '/');
                Path file = dataset.confine(files.get(i), id);
                return new LabelledImage(id, new FileImageSource(file, id, decoder), labels.get(i));
              });
        });
  }

  static boolean isImage(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static List<String> classFolders(DatasetRoot dataset, Path subsetFile) {
    Path root = dataset.path();
    List<String> all;
    try (Stream<Path> list = Files.list(root)) {
      // sorted as strings, as torchvision sorts the folder names
      all = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new DatasetFormatException(
          root.toString(), "", "cannot list class folders: " + FailureText.of(e));
    }
    if (all.isEmpty()) {
      throw new DatasetFormatException(
          root.toString(), "", "no class folders (expected root/<class>/<image>)");
    }
    List<String> chosen = subsetFile == null ? all : subset(subsetFile, all, root);
    List<String> outside = new ArrayList<>();
    for (String folder : chosen) {
      if (!dataset.staysInside(root.resolve(folder))) {
        outside.add(folder);
      }
    }
    if (!outside.isEmpty()) {
      throw new DatasetFormatException(
          root.toString(),
          "",
          (outside.size() == 1
                  ? "class folder '" + outside.get(0) + "' is a symbolic link that leads"
                  : outside.size()
                      + " class folders are symbolic links that lead ("
                      + String.join(", ", outside.subList(0, Math.min(10, outside.size())))
                      + (outside.size() > 10 ? " and " + (outside.size() - 10) + " more" : "")
                      + ")")
              + " out of the dataset root; class folders (and links to them) must stay inside"
              + " the root: point 'root' at the folder that really holds them");
    }
    return chosen;
  }

  /** The class folders a {@code class_subset} file names, in its order. */
  private static List<String> subset(Path subsetFile, List<String> all, Path root) {
    List<String> subset = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(subsetFile);
    } catch (IOException e) {
      throw new DatasetFormatException(
          subsetFile.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String folder = lines.get(i).strip();
      if (folder.isEmpty()) {
        continue;
      }
      if (!all.contains(folder)) {
        throw new DatasetFormatException(
            subsetFile.toString(),
            "line " + (i + 1),
            "class folder '" + folder + "' does not exist under " + root);
      }
      subset.add(folder);
    }
    return subset;
  }
}
