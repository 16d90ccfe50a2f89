package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.synth.SuiteFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imagefolder options for ImageNet's variants: ImageNetV2's class folders named by label index
 * ({@code index_folders}), and ImageNet-ReaL's multi-label {@code real.json} ({@code real_labels}).
 */
class ImageNetVariantsTest {

  @TempDir Path temp;

  private final Path val = SuiteFixture.tiny().resolve("classification/val");

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  private static List<LabelledImage> all(Dataset<LabelledImage> d) {
    List<LabelledImage> out = new ArrayList<>();
    try (SampleCursor<LabelledImage> c = d.samples()) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  private Dataset<LabelledImage> open(Path root, Path names, Boolean index, Path real) {
    return new ImageFolderProvider()
        .open(new ImageFolderProvider.Spec(root, names, null, null, index, real), context());
  }

  private List<String> folders() throws IOException {
    try (Stream<Path> s = Files.list(val)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Copies three class folders as {@code 0}, {@code 2} and {@code 10} (string order 0, 10, 2). */
  private Path indexTree() throws IOException {
    Path root = temp.resolve("v2");
    List<String> folders = folders();
    for (int c : new int[] {0, 2, 10}) {
      Path dir = Files.createDirectories(root.resolve(Integer.toString(c)));
      try (Stream<Path> s = Files.list(val.resolve(folders.get(c)))) {
        for (Path f : s.toList()) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    return root;
  }

  @Test
  void indexFoldersAreLabelledByTheirNumberAndNamedByTheList() throws IOException {
    Path root = indexTree();
    Path names = temp.resolve("wnids.txt");
    Files.write(names, folders());
    Dataset<LabelledImage> d = open(root, names, true, null);
    assertThat(d.info().classNames()).isEqualTo(folders());
    List<LabelledImage> samples = all(d);
    assertThat(samples).hasSize(12);
    assertThat(samples.stream().map(LabelledImage::label).distinct().toList())
        .containsExactly(0, 2, 10);
    assertThat(samples).allSatisfy(s -> assertThat(s.id()).startsWith(s.label() + "/"));
    // without names, the classes are the indices up to the largest
    assertThat(open(root, null, true, null).info().classNames()).hasSize(11).startsWith("0", "1");
    // a plain tree sorts the same folders as text: 0, 10, 2
    assertThat(open(root, null, false, null).info().classNames()).containsExactly("0", "10", "2");
  }

  @Test
  void aFolderThatIsNoIndexIsNamed() {
    assertThatThrownBy(() -> open(val, null, true, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            val
                + ": class folder 'blue_circle': not a label index; index_folders expects class"
                + " folders named by their label (0, 1, 2, ...: ImageNetV2's layout)");
  }

  /** real.json for the val split: per image in file-name order, its label, every fourth none. */
  private Path realJson(List<String> fileNames, List<Integer> labels, Path file)
      throws IOException {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < fileNames.size(); i++) {
      json.append(i == 0 ? "" : ", ")
          .append(i % 4 == 3 ? "[]" : "[" + labels.get(i) + ", " + (labels.get(i) + 1) % 12 + "]");
    }
    Files.writeString(file, json.append("]\n"));
    return file;
  }

  @Test
  void realLabelsFollowTheFileNamesAndImagesWithoutLabelsAreLeftOut() throws IOException {
    List<LabelledImage> plain = all(open(val, null, null, null));
    List<LabelledImage> sorted = new ArrayList<>(plain);
    sorted.sort((a, b) -> name(a).compareTo(name(b)));
    Path real =
        realJson(
            sorted.stream().map(ImageNetVariantsTest::name).toList(),
            sorted.stream().map(LabelledImage::label).toList(),
            temp.resolve("real.json"));
    Dataset<LabelledImage> d = open(val, null, null, real);
    List<LabelledImage> samples = all(d);
    assertThat(samples).hasSize(48 - 12);
    assertThat(d.info().size()).isEqualTo(36);
    assertThat(d.info().warnings())
        .containsExactly(
            "12 of 48 images have no label in real.json and are left out, as ImageNet-ReaL's"
                + " evaluation leaves them out");
    for (LabelledImage s : samples) {
      int k = sorted.stream().map(ImageNetVariantsTest::name).toList().indexOf(name(s));
      assertThat(k % 4).isNotEqualTo(3);
      assertThat(s.acceptedLabels()).containsExactly(s.label(), (s.label() + 1) % 12);
    }
    assertThat(d.info().fingerprint())
        .isNotEqualTo(open(val, null, null, null).info().fingerprint());
  }

  private static String name(LabelledImage s) {
    return s.id().substring(s.id().lastIndexOf('/') + 1);
  }

  @Test
  void aRealJsonThatDoesNotFitIsNamedWithTheEntry() throws IOException {
    Path short_ = temp.resolve("short.json");
    Files.writeString(short_, "[[1], [2]]");
    assertThatThrownBy(() -> open(val, null, null, short_))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            short_
                + ": holds 2 entries but the dataset has 48 images; real.json lists one entry per"
                + " validation image, in file-name order");
    Path bad = temp.resolve("bad.json");
    Files.writeString(bad, "[[1], [12]]");
    assertThatThrownBy(() -> open(val, null, null, bad))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            bad
                + ": entry 1: label 12 is not a class index; expected integers from 0 to 11 (the"
                + " dataset has 12 classes)");
    Path notList = temp.resolve("map.json");
    Files.writeString(notList, "{\"a\": [1]}");
    assertThatThrownBy(() -> open(val, null, null, notList))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(
            notList + ": expected a JSON list with one list of labels per image");
  }
}
