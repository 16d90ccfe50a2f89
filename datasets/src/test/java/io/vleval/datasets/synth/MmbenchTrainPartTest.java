package io.vleval.datasets.synth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mmbench-train} part: questions about the training images, read by the {@code
 * mmbench-tsv} loader, each showing exactly a training image's pixels and answered by what that
 * image shows (its class folder, its reference caption, its label map).
 */
class MmbenchTrainPartTest {

  @TempDir Path temp;

  private static final Pattern PAIR =
      Pattern.compile(
          "a (large|small) (\\w+) (\\w+) (to the left of|to the right of|above|below) "
              + "a (large|small) (\\w+) (\\w+)");

  private record Source(String part, String file) {}

  @Test
  void asksAboutEveryTrainingImageWhatItShows() throws Exception {
    Path suite = SuiteFixture.tiny();
    Path cache = Files.createDirectories(temp.resolve("cache"));
    Files.createSymbolicLink(
        cache.resolve("synthetic-v" + SyntheticSuite.VERSION + "-tiny-seed7"), suite);
    Dataset<?> d =
        new SyntheticDatasetProvider()
            .open(
                new SyntheticDatasetProvider.Spec(Part.MMBENCH_TRAIN, Scale.TINY, 7L, null, cache),
                new PluginContext(0, cache, 1));
    List<MultipleChoiceQuestion> rows = new ArrayList<>();
    try (SampleCursor<?> c = d.samples()) {
      while (c.hasNext()) {
        rows.add((MultipleChoiceQuestion) c.next());
      }
    }

    // every training image of the three parts, by its decoded pixels
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    Map<String, Source> byPixels = new HashMap<>();
    for (Path f : images(suite.resolve("classification/train"))) {
      byPixels.put(pixels(decoder.decode(f)), new Source("classification", rel(suite, f)));
    }
    JsonNode karpathy =
        new ObjectMapper().readTree(suite.resolve("captions/dataset_coco.json").toFile());
    Map<String, String> firstCaption = new HashMap<>();
    for (JsonNode img : karpathy.get("images")) {
      if (img.get("split").asText().equals("train")) {
        Path f = suite.resolve("captions/images").resolve(img.get("filename").asText());
        byPixels.put(pixels(decoder.decode(f)), new Source("captions", rel(suite, f)));
        firstCaption.put(rel(suite, f), img.get("sentences").get(0).get("raw").asText());
      }
    }
    for (Path f : images(suite.resolve("ADEChallengeData2016/images/training"))) {
      byPixels.put(pixels(decoder.decode(f)), new Source("segmentation", rel(suite, f)));
    }
    assertThat(byPixels).hasSize(96 + 120 + 40);

    Set<String> asked = new HashSet<>();
    Map<String, Integer> perCategory = new HashMap<>();
    int hints = 0;
    for (MultipleChoiceQuestion q : rows) {
      Source source = byPixels.get(pixels(q.image().load()));
      assertThat(source).as("row %s shows a training image", q.id()).isNotNull();
      asked.add(source.file());
      assertThat(q.options()).hasSizeBetween(2, 4).doesNotHaveDuplicates();
      assertThat(q.questionIndex()).isEqualTo(q.id());
      hints += q.hint() != null ? 1 : 0;
      perCategory.merge(q.category(), 1, Integer::sum);
      String answer = q.options().get(q.answer().charAt(0) - 'A');
      switch (source.part()) {
        case "classification" -> {
          // classification/train/<colour>_<shape>/...: one object
          String[] cls = Path.of(source.file()).getParent().getFileName().toString().split("_");
          assertThat(answer).isEqualTo(expected(q.question(), cls[0], cls[1], "1"));
        }
        case "captions" -> {
          Matcher m = PAIR.matcher(firstCaption.get(source.file()));
          assertThat(m.matches()).isTrue();
          String colour = q.question().replaceFirst("What shape is the (\\w+) object\\?", "$1");
          if (q.question().startsWith("What shape")) {
            assertThat(answer).isEqualTo(colour.equals(m.group(2)) ? m.group(3) : m.group(7));
          } else if (q.question().startsWith("What colour")) {
            boolean first =
                q.question().endsWith(" " + m.group(3) + "?")
                    && (!m.group(3).equals(m.group(7))
                        || q.question().contains(" " + m.group(1) + " "));
            assertThat(answer).isEqualTo(first ? m.group(2) : m.group(6));
          } else {
            assertThat(answer).isEqualTo("2");
          }
        }
        default -> {
          // the label map names the shapes present: a shape answer is one of them, a count at
          // least as many as the distinct shapes
          LabelMap labels =
              decoder.decodeLabelMap(
                  suite.resolve(
                      source.file().replace("/images/", "/annotations/").replace(".jpg", ".png")));
          Set<String> shapes = new HashSet<>();
          for (byte v : labels.values()) {
            if (v != 0) {
              shapes.add(Shape.values()[v - 1].english());
            }
          }
          if (q.question().startsWith("What shape")) {
            assertThat(shapes).contains(answer);
          } else if (q.question().startsWith("How many")) {
            assertThat(Integer.parseInt(answer)).isBetween(Math.max(1, shapes.size()), 4);
          }
        }
      }
    }
    assertThat(asked).as("every training image is asked about").hasSize(96 + 120 + 40);
    assertThat(perCategory.keySet())
        .containsExactlyInAnyOrder("attribute_recognition", "shape_recognition", "object_counting");
    assertThat(hints).isBetween(rows.size() / 5, rows.size() / 2);
  }

  private static String expected(String question, String colour, String shape, String count) {
    if (question.startsWith("What colour")) {
      return colour;
    }
    if (question.startsWith("What shape")) {
      return shape;
    }
    return count;
  }

  private static List<Path> images(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  private static String rel(Path suite, Path f) {
    return suite.relativize(f).toString();
  }

  private static String pixels(RgbImage image) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(image.rgb());
    return image.width() + "x" + image.height() + ":" + HexFormat.of().formatHex(md.digest());
  }
}
