package io.vleval.datasets.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The synthetic suite's yes/no and science-question parts, in the public layouts of POPE, MME and
 * ScienceQA, with questions the scenes answer:
 *
 * <pre>
 * OUT/pope/coco/coco_pope_{adversarial,popular,random}.json, pope/val2014/COCO_val2014_*.jpg
 *     per image and split one question about a shape that is there ("yes") and one about a shape
 *     that is not ("no"): adversarial asks for a present colour in another shape, popular for a
 *     present shape in another colour, random for any absent pair
 * OUT/mme/MME_Benchmark_release_version/{existence,count}/*.jpg + *.txt   (side by side)
 * OUT/mme/MME_Benchmark_release_version/color/{images,questions_answers_YN}/   (MME's other layout)
 *     two questions an image, the first answered Yes, the second No
 * OUT/scienceqa/problems.json, pid_splits.json, images/test/&lt;pid&gt;/image.png
 *     shape, colour and counting questions about an image (natural science) and text-only word
 *     questions (language science), with and without a context, grades 1 to 12
 * </pre>
 *
 * Sizes follow the suite's MMBench question count {@code q}: POPE {@code max(4, q / 4)} images, MME
 * {@code max(4, q / 8)} images a subtask, ScienceQA {@code max(6, q / 2)} test problems.
 */
final class ClosedBenchmarks {
  private final SceneComposer composer;
  private final SplittableRandom r;
  private final int questions;

  ClosedBenchmarks(SplittableRandom random, int questions) {
    this.composer = new SceneComposer(random);
    this.r = composer.random();
    this.questions = questions;
  }

  void write(Path root) throws IOException {
    pope(root.resolve("pope"));
    mme(root.resolve("mme").resolve("MME_Benchmark_release_version"));
    scienceqa(root.resolve("scienceqa"));
  }

  private static String kind(Colour c, Shape s) {
    return c.english() + " " + s.english();
  }

  private static boolean has(Scene scene, Colour c, Shape s) {
    return scene.objects().stream().anyMatch(o -> o.colour() == c && o.shape() == s);
  }

  // ---- POPE ----

  private void pope(Path dir) throws IOException {
    int images = Math.max(4, questions / 4);
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (String split : List.of("adversarial", "popular", "random")) {
      lines.put(split, new ArrayList<>());
    }
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < images; i++) {
      int[] wh = composer.size();
      Scene scene = composer.many(1 + r.nextInt(3), wh[0], wh[1]);
      String file = String.format(Locale.ROOT, "COCO_val2014_%012d.jpg", 100 + i);
      ImageFiles.writeJpeg(scene.render(), dir.resolve("val2014").resolve(file));
      SceneObject present = scene.objects().get(r.nextInt(scene.objects().size()));
      for (String split : lines.keySet()) {
        SceneObject absentLike = absent(scene, present, split);
        List<String> out = lines.get(split);
        for (Object[] q :
            List.of(
                new Object[] {kind(present.colour(), present.shape()), "yes"},
                new Object[] {kind(absentLike.colour(), absentLike.shape()), "no"})) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("question_id", out.size() + 1);
          line.put("image", file);
          line.put("text", "Is there a " + q[0] + " in the image?");
          line.put("label", q[1]);
          out.add(json.writeValueAsString(line));
        }
      }
    }
    Path coco = dir.resolve("coco");
    Files.createDirectories(coco);
    for (Map.Entry<String, List<String>> e : lines.entrySet()) {
      Files.writeString(
          coco.resolve("coco_pope_" + e.getKey() + ".json"),
          String.join("\n", e.getValue()) + "\n",
          StandardCharsets.UTF_8);
    }
  }

  /** A colour and shape not in the scene, chosen as the split chooses its negatives. */
  private SceneObject absent(Scene scene, SceneObject present, String split) {
    List<SceneObject> candidates = new ArrayList<>();
    for (Colour c : Colour.values()) {
      for (Shape s : Shape.values()) {
        boolean fits =
            switch (split) {
              case "adversarial" -> c == present.colour() && s != present.shape();
              case "popular" -> s == present.shape() && c != present.colour();
              default -> true;
            };
        if (fits && !has(scene, c, s)) {
          candidates.add(new SceneObject(s, c, false, 0, 0, 0, 0));
        }
      }
    }
    if (candidates.isEmpty()) {
      for (Colour c : Colour.values()) {
        for (Shape s : Shape.values()) {
          if (!has(scene, c, s)) {
            candidates.add(new SceneObject(s, c, false, 0, 0, 0, 0));
          }
        }
      }
    }
    return candidates.get(r.nextInt(candidates.size()));
  }

  // ---- MME ----

  private void mme(Path dir) throws IOException {
    int images = Math.max(4, questions / 8);
    String suffix = " Please answer yes or no.";
    for (String subtask : List.of("existence", "count", "color")) {
      boolean split = subtask.equals("color");
      Path imageDir = split ? dir.resolve(subtask).resolve("images") : dir.resolve(subtask);
      Path textDir =
          split ? dir.resolve(subtask).resolve("questions_answers_YN") : dir.resolve(subtask);
      Files.createDirectories(textDir);
      for (int i = 0; i < images; i++) {
        int[] wh = composer.size();
        Scene scene =
            subtask.equals("color")
                ? composer.many(1, wh[0], wh[1])
                : composer.many(1 + r.nextInt(4), wh[0], wh[1]);
        String base = String.format(Locale.ROOT, "%04d", i + 1);
        ImageFiles.writeJpeg(scene.render(), imageDir.resolve(base + ".jpg"));
        SceneObject o = scene.objects().get(r.nextInt(scene.objects().size()));
        String yes;
        String no;
        switch (subtask) {
          case "existence" -> {
            SceneObject a = absent(scene, o, "random");
            yes = "Is there a " + kind(o.colour(), o.shape()) + " in this image?";
            no = "Is there a " + kind(a.colour(), a.shape()) + " in this image?";
          }
          case "count" -> {
            int n = scene.objects().size();
            int wrong = n == 1 ? 2 : (r.nextBoolean() ? n - 1 : n + 1);
            yes = "Are there " + n + " shapes in this image?";
            no = "Are there " + wrong + " shapes in this image?";
          }
          default -> {
            Colour other = Colour.values()[(o.colour().ordinal() + 1 + r.nextInt(3)) % 4];
            yes = "Is the " + o.shape().english() + " " + o.colour().english() + "?";
            no = "Is the " + o.shape().english() + " " + other.english() + "?";
          }
        }
        Files.writeString(
            textDir.resolve(base + ".txt"),
            yes + suffix + "\tYes\n" + no + suffix + "\tNo\n",
            StandardCharsets.UTF_8);
      }
    }
  }

  // ---- ScienceQA ----

  private static final List<String> SUBJECT_WORDS = List.of("red", "circle", "green", "square");

  private void scienceqa(Path dir) throws IOException {
    int count = Math.max(6, questions / 2);
    Map<String, Object> problems = new LinkedHashMap<>();
    List<String> test = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String pid = Integer.toString(1 + i);
      Map<String, Object> p = new LinkedHashMap<>();
      List<String> choices = new ArrayList<>();
      int answer;
      String image = null;
      String subject;
      if (i % 3 != 2) {
        int[] wh = composer.size();
        Scene scene = composer.many(1, wh[0], wh[1]);
        SceneObject o = scene.objects().get(0);
        Path file = dir.resolve("images").resolve("test").resolve(pid).resolve("image.png");
        Files.createDirectories(file.getParent());
        ImageIO.write(ImageFiles.toBuffered(scene.render()), "png", file.toFile());
        image = "image.png";
        subject = "natural science";
        if (r.nextBoolean()) {
          p.put("question", "Which shape is in the image?");
          for (Shape s : Shape.values()) {
            choices.add(s.english());
          }
          answer = o.shape().ordinal();
        } else {
          p.put("question", "What colour is the shape in the image?");
          for (Colour c : Colour.values()) {
            choices.add(c.english());
          }
          answer = o.colour().ordinal();
        }
      } else {
        subject = "language science";
        String word = SUBJECT_WORDS.get(r.nextInt(SUBJECT_WORDS.size()));
        boolean colour = word.equals("red") || word.equals("green");
        p.put("question", "Is the word '" + word + "' a colour or a shape?");
        choices.add("a colour");
        choices.add("a shape");
        answer = colour ? 0 : 1;
      }
      p.put("choices", choices);
      p.put("answer", answer);
      p.put("hint", r.nextInt(3) == 0 ? "The picture shows flat shapes." : "");
      p.put("image", image);
      p.put("task", "closed choice");
      p.put("grade", "grade" + (1 + r.nextInt(12)));
      p.put("subject", subject);
      p.put("topic", subject.equals("natural science") ? "physics" : "vocabulary");
      p.put("category", "Shapes and colours");
      p.put("skill", "Identify shapes and colours");
      p.put("lecture", "");
      p.put("solution", "");
      p.put("split", "test");
      problems.put(pid, p);
      test.add(pid);
    }
    ObjectMapper json = new ObjectMapper();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("problems.json"), json.writeValueAsString(problems) + "\n");
    Map<String, Object> splits = new LinkedHashMap<>();
    splits.put("train", List.of());
    splits.put("val", List.of());
    splits.put("test", test);
    Files.writeString(dir.resolve("pid_splits.json"), json.writeValueAsString(splits) + "\n");
  }
}
