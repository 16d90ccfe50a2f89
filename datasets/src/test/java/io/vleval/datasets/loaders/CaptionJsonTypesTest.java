package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.captions.CocoCaptionsProvider;
import io.vleval.datasets.captions.KarpathyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Karpathy and COCO caption JSON: a value of the wrong JSON type is reported as such (what was
 * found, what was expected, the entry's index and id), never taken for a missing value or dropped.
 */
class CaptionJsonTypesTest {

  @TempDir Path temp;

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  /** Every entry: the sample's id, or "! sampleId message" for a malformed one. */
  private static List<String> walk(Dataset<CaptionedImage> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<CaptionedImage> c = d.samples()) {
      while (c.hasNext()) {
        try {
          out.add(c.next().id());
        } catch (DatasetFormatException e) {
          out.add("! " + e.sampleId() + " " + e.getMessage());
        }
      }
    }
    return out;
  }

  private Path write(String name, String json) throws IOException {
    Path file = temp.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private Dataset<CaptionedImage> karpathy(Path file, List<String> splits) {
    return new KarpathyProvider().open(new KarpathyProvider.Spec(file, null, splits), context());
  }

  @Test
  void karpathyWrongTypesAreNamedWithWhatWasFound() throws IOException {
    String caption = "\"sentences\": [{\"raw\": \"a cat\"}]";
    Path file =
        write(
            "dataset_coco.json",
            "{\"images\": ["
                + "{\"imgid\": 10, \"split\": \"test\", \"filename\": [\"a.jpg\"], "
                + caption
                + "},"
                + "{\"imgid\": 11, \"split\": 2, \"filename\": \"b.jpg\", "
                + caption
                + "},"
                + "{\"imgid\": 12, \"filename\": \"c.jpg\", "
                + caption
                + "},"
                + "{\"imgid\": 13, \"split\": \"test\", \"filepath\": [\"val2014\"], "
                + "\"filename\": \"d.jpg\", "
                + caption
                + "},"
                + "{\"imgid\": 14, \"split\": \"test\", \"filename\": \"e.jpg\", "
                + "\"sentences\": {\"raw\": \"a cat\"}},"
                + "{\"imgid\": 15, \"split\": \"test\", \"filename\": \"f.jpg\", "
                + "\"sentences\": [{\"raw\": 5}]},"
                + "{\"imgid\": 16, \"split\": \"test\", \"filename\": \"g.jpg\", "
                + "\"sentences\": [\"a cat\"]},"
                + "{\"imgid\": 17, \"split\": \"train\", \"filename\": 7, "
                + caption
                + "},"
                + "{\"imgid\": 18, \"split\": \"test\", \"filename\": \"h.jpg\", "
                + caption
                + "}"
                + "]}");

    assertThat(walk(karpathy(file, null)))
        .containsExactly(
            "! images-0 "
                + file
                + ": images[0].filename (imgid 10): 'filename' must be a string (the image's file"
                + " name), found a list",
            "! images-1 "
                + file
                + ": images[1] (imgid 11): 'split' must be a string (train, val, test or"
                + " restval), found the integer 2",
            "! images-2 "
                + file
                + ": images[2] (imgid 12): missing 'split', expected a string (train, val, test"
                + " or restval)",
            "! images-3 "
                + file
                + ": images[3].filepath (imgid 13): 'filepath' must be a string (the image's"
                + " folder, e.g. val2014), found a list",
            "! e.jpg "
                + file
                + ": images[4].sentences (imgid 14): 'sentences' must be a list, found an object;"
                + " expected a list of objects with a 'raw' caption",
            "! f.jpg "
                + file
                + ": images[5].sentences[0].raw (imgid 15): 'raw' must be a string (the caption"
                + " text), found the integer 5",
            "! g.jpg "
                + file
                + ": images[6].sentences[0] (imgid 16): expected an object with a 'raw' caption,"
                + " found the string 'a cat'",
            "h.jpg");
  }

  @Test
  void karpathyEntriesThatAreNotObjectsAreNamed() throws IOException {
    Path file =
        write(
            "dataset_coco.json",
            "{\"images\": [null, 5, {\"split\": \"test\", \"filename\": \"a.jpg\","
                + " \"sentences\": [{\"raw\": \"a\"}]}]}");
    assertThat(walk(karpathy(file, null)))
        .containsExactly(
            "! images-0 "
                + file
                + ": images[0]: expected an image object (split, filename, sentences), found null",
            "! images-1 "
                + file
                + ": images[1]: expected an image object (split, filename, sentences), found the"
                + " integer 5",
            "a.jpg");
  }

  @Test
  void karpathyWithNoImageInTheSplitsNamesTheSplitsItHas() throws IOException {
    Path file =
        write(
            "dataset_flickr30k.json",
            "{\"images\": [{\"split\": \"train\", \"filename\": \"a.jpg\","
                + " \"sentences\": [{\"raw\": \"a\"}]}]}");
    assertThatThrownBy(() -> karpathy(file, List.of("tset")))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(file + ": no images in splits [tset]; the file's splits are [train]");
  }

  @Test
  void karpathyImagesThatAreNotAListAreNamed() throws IOException {
    Path file = write("dataset_coco.json", "{\"images\": {\"a\": 1}}");
    assertThatThrownBy(() -> karpathy(file, null))
        .hasMessage(file + ": key 'images': must be a list of image objects, found an object");
  }

  private Dataset<CaptionedImage> coco(Path file) {
    return new CocoCaptionsProvider().open(new CocoCaptionsProvider.Spec(file, null), context());
  }

  @Test
  void cocoAnnotationsOfTheWrongTypeAreAllNamed() throws IOException {
    Path file =
        write(
            "captions.json",
            "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}], \"annotations\": ["
                + "{\"image_id\": [1], \"caption\": \"a cat\"},"
                + "{\"image_id\": 1, \"caption\": 3},"
                + "{\"image_id\": 1},"
                + "{\"image_id\": 1.5, \"caption\": \"a dog\"},"
                + "{\"image_id\": 1, \"caption\": \"fine\"}"
                + "]}");
    assertThatThrownBy(() -> coco(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file
                + ": 4 malformed annotations: annotations[0]: 'image_id' must be an integer or a"
                + " string, found a list; annotations[1]: 'caption' must be a string, found the"
                + " integer 3; annotations[2]: missing 'caption', expected the caption text;"
                + " annotations[3]: 'image_id' must be an integer or a string, found the number"
                + " 1.5");
  }

  @Test
  void cocoImagesOfTheWrongTypeAreMalformedSamples() throws IOException {
    Path file =
        write(
            "captions.json",
            "{\"images\": ["
                + "{\"id\": [1], \"file_name\": \"a.jpg\"},"
                + "{\"id\": 2, \"file_name\": [\"b.jpg\"]},"
                + "{\"id\": 3, \"file_name\": \"c.jpg\"},"
                + "{\"id\": 3, \"file_name\": \"c2.jpg\"},"
                + "{\"file_name\": \"d.jpg\"}"
                + "], \"annotations\": ["
                + "{\"image_id\": 1, \"caption\": \"a\"},"
                + "{\"image_id\": 2, \"caption\": \"b\"},"
                + "{\"image_id\": 3, \"caption\": \"c\"}"
                + "]}");
    assertThat(walk(coco(file)))
        .containsExactly(
            "! images-0 "
                + file
                + ": images[0].id: 'id' must be an integer or a string, found a list",
            "! 2 " + file + ": images[1].file_name: 'file_name' must be a string, found a list",
            "3",
            "! 3#3 " + file + ": images[3]: image id 3 is listed again (first at images[2])",
            "! images-4 "
                + file
                + ": images[4].id: missing 'id', expected the image id (an integer)");
  }
}
