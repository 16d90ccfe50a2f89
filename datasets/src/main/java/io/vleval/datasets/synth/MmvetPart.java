package io.vleval.datasets.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * The synthetic suite's MM-Vet part, in MM-Vet's public layout ({@code mm-vet.zip} unpacked):
 *
 * <pre>
 * OUT/mmvet/mm-vet.json     id (v1_0...) -&gt; {imagename, capability, question, answer}
 * OUT/mmvet/images/v1_N.png
 * </pre>
 *
 * <p>Open-ended questions the scene answers, in turn: the colour of a lone shape ({@code rec}), how
 * many shapes there are ({@code rec, math}; the digits {@code <OR>} the number word), which colours
 * the shapes have ({@code rec}; every colour, {@code <AND>}-joined) and where one shape stands
 * against another ({@code rec, spat}). The scenes hold no text, so no question asks for {@code
 * ocr}. {@link #count} questions: a quarter of the suite's MMBench questions, at least 12 and at
 * most MM-Vet's 218.
 */
final class MmvetPart {

  private static final String[] NUMBER_WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
  };

  /** Questions written for a suite of {@code questions} MMBench questions. */
  static int count(int questions) {
    return Math.min(218, Math.max(12, questions / 4));
  }

  private record Entry(String question, String answer, List<String> capability, Scene scene) {}

  private final SceneComposer composer;
  private final SplittableRandom r;
  private final int count;

  MmvetPart(SplittableRandom random, int questions) {
    this.composer = new SceneComposer(random);
    this.r = composer.random();
    this.count = count(questions);
  }

  void write(Path root) throws IOException {
    Path dir = root.resolve("mmvet");
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    Map<String, Object> entries = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      Entry e =
          switch (i % 4) {
            case 0 -> colour();
            case 1 -> counting();
            case 2 -> colours();
            default -> spatial();
          };
      String id = "v1_" + i;
      String imagename = id + ".png";
      ImageIO.write(
          ImageFiles.toBuffered(e.scene().render()), "png", images.resolve(imagename).toFile());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("imagename", imagename);
      m.put("capability", e.capability());
      m.put("question", e.question());
      m.put("answer", e.answer());
      entries.put(id, m);
    }
    Files.writeString(
        dir.resolve("mm-vet.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(entries)
            + "\n");
  }

  private Scene scene(int objects) {
    int[] wh = composer.size();
    return composer.many(objects, wh[0], wh[1]);
  }

  private Entry colour() {
    Scene scene = scene(1);
    return new Entry(
        "What colour is the shape in the image?",
        scene.objects().get(0).colour().english(),
        List.of("rec"),
        scene);
  }

  private Entry counting() {
    Scene scene = scene(1 + r.nextInt(4));
    int n = scene.objects().size();
    return new Entry(
        "How many shapes are there in the image?",
        n + "<OR>" + NUMBER_WORDS[n],
        List.of("rec", "math"),
        scene);
  }

  private Entry colours() {
    Scene scene = scene(2 + r.nextInt(2));
    TreeSet<Colour> colours = new TreeSet<>();
    scene.objects().forEach(o -> colours.add(o.colour()));
    List<String> names = new ArrayList<>();
    colours.forEach(c -> names.add(c.english()));
    return new Entry(
        "Which colours do the shapes in the image have?",
        String.join("<AND>", names),
        List.of("rec"),
        scene);
  }

  private Entry spatial() {
    SceneComposer.Pair p = composer.pair();
    String first = p.first().colour().english() + " " + p.first().shape().english();
    String second = p.second().colour().english() + " " + p.second().shape().english();
    String question;
    String answer;
    switch (p.relation()) {
      case LEFT_OF, RIGHT_OF -> {
        question = "Is the " + first + " to the left or to the right of the " + second + "?";
        answer = p.relation() == SceneComposer.Relation.LEFT_OF ? "left" : "right";
      }
      default -> {
        question = "Is the " + first + " above or below the " + second + "?";
        answer = p.relation() == SceneComposer.Relation.ABOVE ? "above" : "below";
      }
    }
    return new Entry(question, answer, List.of("rec", "spat"), p.scene());
  }
}
