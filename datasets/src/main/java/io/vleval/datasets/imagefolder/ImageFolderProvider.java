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
          Boolean exifOrientation,
      @Doc(
              "class folders are named by their label index (0, 1, ...: ImageNetV2's layout);"
                  + " class_names then lists the names by index (default false)")
          Boolean indexFolders,
      @Doc(
              "ImageNet-ReaL's real.json: per image in file-name order, the labels that count as"
                  + " correct; images with none are left out")
          @MustExist
          Path realLabels) {
    public Spec {
      exifOrientation = exifOrientation == null ? Boolean.TRUE : exifOrientation;
      indexFolders = indexFolders == null ? Boolean.FALSE : indexFolders;
      if (indexFolders && classSubset != null) {
        throw new IllegalArgumentException(
            "index_folders and class_subset do not go together: index folders are labelled by"
                + " their names, a subset by its file's order");
      }
    }

    /** The options of a plain class-folder tree. */
    public Spec(Path root, Path classNames, Path classSubset, Boolean exifOrientation) {
      this(root, classNames, classSubset, exifOrientation, null, null);
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
    // the label of each listed folder; with index folders, the folder's number
    List<Integer> folderLabels = new ArrayList<>();
    List<String> classes = folders;
    if (spec.indexFolders()) {
      folders = IndexFolders.sort(folders, root);
      folders.forEach(f -> folderLabels.add(Integer.parseInt(f)));
      classes = IndexFolders.names(folderLabels);
    } else {
      for (int i = 0; i < folders.size(); i++) {
        folderLabels.add(i);
      }
    }
    List<String> names;
    if (spec.indexFolders() && spec.classNames() != null) {
      // the names of every index, present in the tree or not; each folder's index must have one
      names = ClassNames.read(spec.classNames(), null);
      int max = folderLabels.stream().mapToInt(Integer::intValue).max().orElse(-1);
      if (max >= names.size()) {
        throw new DatasetFormatException(
            root.toString(),
            "class folder '" + folders.get(folders.size() - 1) + "'",
            "names label "
                + max
                + ", but "
                + spec.classNames()
                + " names "
                + names.size()
                + " classes (0 to "
                + (names.size() - 1)
                + ")");
      }
    } else {
      names = spec.classNames() != null ? ClassNames.read(spec.classNames(), classes) : classes;
    }
    // the listing is names only (a few tens of bytes an image), never pixels
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Fingerprint fp = new Fingerprint("imagefolder/1");
    if (spec.indexFolders()) {
      fp.add("index_folders");
    }
    for (int k = 0; k < folders.size(); k++) {
      int label = folderLabels.get(k);
      Path dir = root.resolve(folders.get(k));
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
    List<String> warnings = new ArrayList<>();
    List<List<Integer>> accepted = null;
    if (spec.realLabels() != null) {
      fp.add("real_labels").addFileContent(spec.realLabels());
      RealLabels real = RealLabels.read(spec.realLabels(), names.size());
      accepted = real.perFile(files, spec.realLabels());
      List<Path> kept = new ArrayList<>();
      List<Integer> keptLabels = new ArrayList<>();
      List<List<Integer>> keptAccepted = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        if (!accepted.get(i).isEmpty()) {
          kept.add(files.get(i));
          keptLabels.add(labels.get(i));
          keptAccepted.add(accepted.get(i));
        }
      }
      if (kept.size() < files.size()) {
        warnings.add(
            (files.size() - kept.size())
                + " of "
                + files.size()
                + " images have no label in "
                + spec.realLabels().getFileName()
                + " and are left out, as ImageNet-ReaL's evaluation leaves them out");
      }
      files = kept;
      labels = keptLabels;
      accepted = keptAccepted;
    }
    ImageDecoder decoder =
        spec.exifOrientation()
            ? ImageDecoder.create()
            : ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), files.size(), names, root.toString(), warnings);
    List<Path> listed = files;
    List<Integer> listedLabels = labels;
    List<List<Integer>> listedAccepted = accepted;
    return Dataset.of(
        LabelledImage.class,
        info,
        () -> {
          return Cursors.indexed(
              listed.size(),
              i -> {
                String id = root.relativize(listed.get(i)).toString().replace('\\', '/');
                Path file = dataset.confine(listed.get(i), id);
                return new LabelledImage(
                    id,
                    new FileImageSource(file, id, decoder),
                    listedLabels.get(i),
                    listedAccepted == null ? List.of() : listedAccepted.get(i));
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
