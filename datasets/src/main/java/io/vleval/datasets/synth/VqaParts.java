package io.vleval.datasets.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The VQA family's part of the synthetic suite: questions about scenes of shapes that the picture
 * answers unambiguously (a colour, a shape, a count, whether an object is there), in the public
 * layouts of VQAv2, TextVQA, VizWiz and GQA:
 *
 * <pre>
 * OUT/vqav2/v2_OpenEnded_mscoco_val2014_questions.json, v2_mscoco_val2014_annotations.json,
 *           val2014/COCO_val2014_%012d.jpg
 * OUT/textvqa/TextVQA_0.5.1_val.json, TextVQA_Rosetta_OCR_v0.2_val.json, train_images/&lt;image_id&gt;.jpg
 * OUT/vizwiz/val.json, val/VizWiz_val_%08d.jpg        a sixth of the questions unanswerable
 * OUT/gqa/testdev_balanced_questions.json, images/&lt;imageId&gt;.jpg
 * </pre>
 *
 * <p>Ten human answers per question (VQAv2, TextVQA, VizWiz): seven give the answer as written,
 * three spell it as people do (capitalised, a number word, with an article), which the scorers'
 * normalisation maps to the same answer. The scenes have no text, so TextVQA's OCR tokens are
 * empty.
 */
final class VqaParts {

  /** One image per question, this many per layout for a suite of {@code questions} questions. */
  static int perLayout(int questions) {
    return Math.max(4, questions / 2);
  }

  /** The layouts written, for progress counts. */
  static final int LAYOUTS = 4;

  /** Writes one scene's image to a file (on the suite's encoding pool). */
  @FunctionalInterface
  interface ImageSink {
    void write(Scene scene, Path file) throws IOException;
  }

  /** One generated question. */
  private record Question(
      String text, String answer, List<String> answers, String answerType, String kind) {}

  private final SceneComposer composer;
  private final int count;

  VqaParts(SplittableRandom random, int questions) {
    this.composer = new SceneComposer(random);
    this.count = perLayout(questions);
  }

  void write(Path root, ImageSink images) throws IOException {
    vqav2(root.resolve("vqav2"), images);
    textvqa(root.resolve("textvqa"), images);
    vizwiz(root.resolve("vizwiz"), images);
    gqa(root.resolve("gqa"), images);
  }

  private Scene scene() {
    int[] wh = composer.size();
    return composer.many(1 + composer.random().nextInt(4), wh[0], wh[1]);
  }

  /** A question the scene answers: colour, shape, count or presence. */
  private Question ask(Scene scene, boolean withYesNo) {
    SplittableRandom r = composer.random();
    SceneObject target = scene.objects().get(r.nextInt(scene.objects().size()));
    long sameShapeAndSize =
        scene.objects().stream()
            .filter(o -> o.shape() == target.shape() && o.large() == target.large())
            .count();
    long sameShape = scene.objects().stream().filter(o -> o.shape() == target.shape()).count();
    long sameColour = scene.objects().stream().filter(o -> o.colour() == target.colour()).count();
    int kind = r.nextInt(withYesNo ? 4 : 3);
    if (kind == 0 && sameShapeAndSize > 1 || kind == 1 && sameColour > 1) {
      kind = 2;
    }
    switch (kind) {
      case 0 -> {
        String what =
            sameShape == 1
                ? target.shape().english()
                : (target.large() ? "large " : "small ") + target.shape().english();
        String c = target.colour().english();
        return new Question(
            "What colour is the " + what + "?",
            c,
            answers(c, capitalised(c), c, "the " + c),
            "other",
            "colour");
      }
      case 1 -> {
        String s = target.shape().english();
        return new Question(
            "What shape is the " + target.colour().english() + " object?",
            s,
            answers(s, "a " + s, capitalised(s), s),
            "other",
            "shape");
      }
      case 3 -> {
        Colour c = Colour.values()[r.nextInt(Colour.values().length)];
        Shape s = Shape.values()[r.nextInt(Shape.values().length)];
        boolean there = scene.objects().stream().anyMatch(o -> o.colour() == c && o.shape() == s);
        String a = there ? "yes" : "no";
        return new Question(
            "Is there a " + c.english() + " " + s.english() + " in the image?",
            a,
            answers(a, capitalised(a), a, a),
            "yes/no",
            "presence");
      }
      default -> {
        int n = scene.objects().size();
        String digits = Integer.toString(n);
        return new Question(
            "How many shapes are in the image?",
            digits,
            answers(digits, NUMBER_WORDS[n], digits, digits),
            "number",
            "count");
      }
    }
  }

  private static final String[] NUMBER_WORDS = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"
  };

  /** Seven times {@code answer}, then the three spellings. */
  private static List<String> answers(String answer, String a, String b, String c) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      out.add(answer);
    }
    out.addAll(List.of(a, b, c));
    return out;
  }

  private static String capitalised(String s) {
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  private void vqav2(Path dir, ImageSink images) throws IOException {
    List<Map<String, Object>> questions = new ArrayList<>();
    List<Map<String, Object>> annotations = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Scene scene = scene();
      long imageId = 1000 + i;
      long questionId = imageId * 1000;
      Question q = ask(scene, true);
      images.write(
          scene,
          dir.resolve("val2014")
              .resolve(String.format(Locale.ROOT, "COCO_val2014_%012d.jpg", imageId)));
      questions.add(ordered("image_id", imageId, "question", q.text(), "question_id", questionId));
      List<Map<String, Object>> answers = new ArrayList<>();
      for (int j = 0; j < q.answers().size(); j++) {
        answers.add(
            ordered("answer", q.answers().get(j), "answer_confidence", "yes", "answer_id", j + 1));
      }
      Map<String, Object> a =
          ordered(
              "question_type",
              q.text().startsWith("How many")
                  ? "how many"
                  : q.text().startsWith("Is there") ? "is there a" : "what",
              "multiple_choice_answer",
              q.answer(),
              "answers",
              answers);
      a.put("image_id", imageId);
      a.put("answer_type", q.answerType());
      a.put("question_id", questionId);
      annotations.add(a);
    }
    Map<String, Object> qfile =
        ordered(
            "info",
            Map.of("description", "vleval synthetic suite"),
            "task_type",
            "Open-Ended",
            "data_type",
            "mscoco");
    qfile.put("license", Map.of("name", "generated"));
    qfile.put("data_subtype", "val2014");
    qfile.put("questions", questions);
    Map<String, Object> afile =
        ordered(
            "info",
            Map.of("description", "vleval synthetic suite"),
            "license",
            Map.of("name", "generated"),
            "data_subtype",
            "val2014");
    afile.put("annotations", annotations);
    afile.put("data_type", "mscoco");
    write(dir.resolve("v2_OpenEnded_mscoco_val2014_questions.json"), qfile);
    write(dir.resolve("v2_mscoco_val2014_annotations.json"), afile);
  }

  private void textvqa(Path dir, ImageSink images) throws IOException {
    List<Map<String, Object>> data = new ArrayList<>();
    List<Map<String, Object>> ocr = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Scene scene = scene();
      String imageId = String.format(Locale.ROOT, "%016x", 0x5e1f000000L + i);
      ocr.add(ordered("image_id", imageId, "ocr_tokens", List.of(), "ocr_info", List.of()));
      Question q = ask(scene, false);
      images.write(scene, dir.resolve("train_images").resolve(imageId + ".jpg"));
      Map<String, Object> e =
          ordered("question", q.text(), "image_id", imageId, "image_classes", List.of());
      e.put("image_width", scene.width());
      e.put("image_height", scene.height());
      e.put("answers", q.answers());
      e.put(
          "question_tokens",
          List.of(q.text().toLowerCase(Locale.ROOT).replace("?", "").split(" ")));
      e.put("question_id", 34602 + i);
      e.put("set_name", "val");
      e.put("ocr_tokens", List.of());
      data.add(e);
    }
    Map<String, Object> file =
        ordered("dataset_type", "val", "dataset_name", "textvqa", "dataset_version", "0.5.1");
    file.put("data", data);
    write(dir.resolve("TextVQA_0.5.1_val.json"), file);
    Map<String, Object> rosetta =
        ordered("dataset_type", "val", "dataset_name", "textvqa", "dataset_version", "0.2");
    rosetta.put("data", ocr);
    write(dir.resolve("TextVQA_Rosetta_OCR_v0.2_val.json"), rosetta);
  }

  private void vizwiz(Path dir, ImageSink images) throws IOException {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Scene scene = scene();
      String image = String.format(Locale.ROOT, "VizWiz_val_%08d.jpg", i);
      images.write(scene, dir.resolve("val").resolve(image));
      boolean unanswerable = composer.random().nextInt(6) == 0;
      Question q =
          unanswerable
              ? new Question(
                  "What does the label on this box say?",
                  "unanswerable",
                  answers("unanswerable", "unanswerable", "unsuitable", "Unanswerable"),
                  "unanswerable",
                  "unanswerable")
              : ask(scene, true);
      List<Map<String, Object>> answers = new ArrayList<>();
      for (String a : q.answers()) {
        answers.add(ordered("answer", a, "answer_confidence", "yes"));
      }
      Map<String, Object> e = ordered("image", image, "question", q.text(), "answers", answers);
      e.put("answer_type", q.answerType());
      e.put("answerable", unanswerable ? 0 : 1);
      entries.add(e);
    }
    write(dir.resolve("val.json"), entries);
  }

  private void gqa(Path dir, ImageSink images) throws IOException {
    Map<String, Object> questions = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      Scene scene = scene();
      String imageId = "n" + (500000 + i);
      images.write(scene, dir.resolve("images").resolve(imageId + ".jpg"));
      Question q = ask(scene, true);
      String structural = q.kind().equals("presence") ? "verify" : "query";
      String semantic =
          switch (q.kind()) {
            case "colour" -> "attr";
            case "shape" -> "cat";
            case "presence" -> "obj";
            default -> "global";
          };
      Map<String, Object> e =
          ordered(
              "semantic", List.of(),
              "entailed", List.of(),
              "equivalent", List.of());
      e.put("question", q.text());
      e.put("imageId", imageId);
      e.put("isBalanced", true);
      e.put("groups", ordered("global", null, "local", "synthetic-" + q.kind()));
      e.put("answer", q.answer());
      e.put("semanticStr", "");
      e.put(
          "annotations", ordered("answer", Map.of(), "question", Map.of(), "fullAnswer", Map.of()));
      e.put("types", ordered("detailed", q.kind(), "semantic", semantic, "structural", structural));
      e.put("fullAnswer", q.answer() + ".");
      questions.put(Integer.toString(20000000 + i), e);
    }
    write(dir.resolve("testdev_balanced_questions.json"), questions);
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static void write(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value)
            + "\n");
  }
}
