package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.datasets.ade20k.Ade20kProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.synth.SuiteFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loaders that list folders (imagefolder, ADE20K) stay inside their root as the annotation loaders
 * do: a symbolic link that leads out is refused, one that stays inside is followed.
 */
class SymlinkConfinementTest {

  @TempDir Path temp;

  private Path root;
  private Path outside;
  private Path jpeg;

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  @BeforeEach
  void layout() throws IOException {
    try (Stream<Path> files =
        Files.list(SuiteFixture.tiny().resolve("classification/val/red_circle"))) {
      jpeg = files.sorted().findFirst().orElseThrow();
    }
    outside = temp.resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("passwd.jpg"), "root:x:0:0:root:/root:/bin/bash\n");
    root = temp.resolve("val");
    Files.createDirectories(root.resolve("cat"));
    Files.copy(jpeg, root.resolve("cat/a.jpg"));
  }

  private Dataset<LabelledImage> imageFolder() {
    return new ImageFolderProvider()
        .open(new ImageFolderProvider.Spec(root, null, null, null), context());
  }

  /** Every entry: the sample's id, or "! message" for one refused when reached. */
  private static List<String> walk(Dataset<LabelledImage> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<LabelledImage> c = d.samples()) {
      while (c.hasNext()) {
        try {
          LabelledImage s = c.next();
          s.image().load();
          out.add(s.id());
        } catch (DatasetFormatException e) {
          out.add("! " + e.sampleId() + " " + e.getMessage());
        }
      }
    }
    return out;
  }

  @Test
  void aClassFolderThatLeadsOutIsRefusedAtOpenWithoutListingIt() {
    Symlinks.create(root.resolve("etc"), outside);
    assertThatThrownBy(this::imageFolder)
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            root
                + ": class folder 'etc' is a symbolic link that leads out of the dataset root;"
                + " class folders (and links to them) must stay inside the root: point 'root' at"
                + " the folder that really holds them")
        .hasMessageNotContaining("passwd");
  }

  @Test
  void aClassFolderThatLeadsOutButIsNotInTheSubsetIsLeftAlone() throws IOException {
    Symlinks.create(root.resolve("etc"), outside);
    Path subset = temp.resolve("subset.txt");
    Files.writeString(subset, "cat\n");
    Dataset<LabelledImage> d =
        new ImageFolderProvider()
            .open(new ImageFolderProvider.Spec(root, null, subset, null), context());
    assertThat(walk(d)).containsExactly("cat/a.jpg");
  }

  @Test
  void anImageThatLeadsOutIsRefusedWhenReachedAndNothingOfItIsRead() {
    Symlinks.create(root.resolve("cat/b.jpg"), outside.resolve("passwd.jpg"));
    Dataset<LabelledImage> d = imageFolder();
    assertThat(walk(d))
        .containsExactly(
            "cat/a.jpg",
            "! cat/b.jpg "
                + root.resolve("cat/b.jpg")
                + ": leads out of the dataset root "
                + root
                + " through a symbolic link; files and folders (and links to them) must stay"
                + " inside the root");
  }

  @Test
  void linksThatStayInsideTheRootAreFollowed() throws IOException {
    Files.createDirectories(root.resolve("store"));
    Files.copy(jpeg, root.resolve("store/x.jpg"));
    Symlinks.create(root.resolve("cat/b.jpg"), root.resolve("store/x.jpg"));
    Symlinks.create(root.resolve("dog"), root.resolve("store"));
    Dataset<LabelledImage> d = imageFolder();
    assertThat(d.info().classNames()).containsExactly("cat", "dog", "store");
    assertThat(walk(d)).containsExactly("cat/a.jpg", "cat/b.jpg", "dog/x.jpg", "store/x.jpg");
  }

  @Test
  void aRootReachedThroughALinkIsItsRealFolder() {
    Path alias = Symlinks.create(temp.resolve("alias"), root);
    Dataset<LabelledImage> d =
        new ImageFolderProvider()
            .open(new ImageFolderProvider.Spec(alias, null, null, null), context());
    assertThat(walk(d)).containsExactly("cat/a.jpg");
  }

  @Test
  void ade20kImagesAndLabelsThatLeadOutAreRefusedWhenReached() throws IOException {
    Path ade = temp.resolve("ade");
    Path images = Files.createDirectories(ade.resolve("images/validation"));
    Path labels = Files.createDirectories(ade.resolve("annotations/validation"));
    Files.copy(jpeg, images.resolve("ADE_val_1.jpg"));
    Symlinks.create(labels.resolve("ADE_val_1.png"), outside.resolve("passwd.jpg"));
    Symlinks.create(images.resolve("ADE_val_2.jpg"), outside.resolve("passwd.jpg"));
    Dataset<SegmentationPair> d =
        new Ade20kProvider().open(new Ade20kProvider.Spec(ade, null, null, 3, null), context());
    try (SampleCursor<SegmentationPair> c = d.samples()) {
      assertThatThrownBy(c::next)
          .isInstanceOf(DatasetFormatException.class)
          .hasMessage(
              labels.resolve("ADE_val_1.png")
                  + ": leads out of the dataset root "
                  + ade
                  + " through a symbolic link; files and folders (and links to them) must stay"
                  + " inside the root")
          .satisfies(
              e -> assertThat(((DatasetFormatException) e).sampleId()).isEqualTo("ADE_val_1"));
      assertThatThrownBy(c::next)
          .hasMessageStartingWith(images.resolve("ADE_val_2.jpg") + ": leads out of the dataset");
    }
  }
}
