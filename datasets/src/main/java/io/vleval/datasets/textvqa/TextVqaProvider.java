package io.vleval.datasets.textvqa;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.JsonKinds;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.vqa.JsonElements;
import io.vleval.datasets.vqa.QuestionEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TextVQA as its site ships it: {@code TextVQA_0.5.1_<split>.json} ({@code data[]} with {@code
 * question_id}, {@code image_id}, {@code question}, {@code answers} (ten strings; absent in the
 * test split) and, where present, {@code ocr_tokens}) over {@code train_images/<image_id>.jpg}
 * (train and val) or {@code test_images/} (test). OCR tokens come from the entries or from a
 * Rosetta OCR file ({@code TextVQA_Rosetta_OCR_v0.2_<split>.json}, {@code data[]} with {@code
 * image_id} and {@code ocr_tokens}); they reach the task joined by {@code ", "}. Samples come in
 * the order of {@code data[]}; ids are question ids. The JSON is streamed.
 */
public final class TextVqaProvider implements DatasetProvider<TextVqaProvider.Spec> {

  /** Options of the TextVQA loader. */
  public record Spec(
      @Doc("TextVQA_0.5.1_<split>.json") @Required @MustExist Path annotations,
      @Doc(
              "image folder (default: <annotations folder>/train_images, test_images for the test split)")
          @MustExist
          Path images,
      @Doc("Rosetta OCR JSON giving each image's ocr_tokens (default: the entries' own, if any)")
          @MustExist
          Path ocr) {}

  @Override
  public String type() {
    return "textvqa";
  }

  @Override
  public String description() {
    return "TextVQA JSON (data[] with question, image_id, answers, ocr_tokens) over train_images/";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return VisualQuestion.class;
  }

  @Override
  public Dataset<VisualQuestion> open(Spec spec, PluginContext context) {
    Path file = spec.annotations().toAbsolutePath().normalize();
    String f = file.toString();
    Fingerprint fp = new Fingerprint("textvqa/1").addFileContent(file);
    Map<String, String> ocr = new HashMap<>();
    if (spec.ocr() != null) {
      Path ocrFile = spec.ocr().toAbsolutePath().normalize();
      fp.addFileContent(ocrFile);
      JsonElements.list(
          ocrFile,
          "data",
          "an object with a list 'data' (TextVQA Rosetta OCR format)",
          (index, e) -> {
            List<String> tokens = JsonElements.strings(e.get("ocr_tokens"));
            if (!e.path("image_id").isTextual() || tokens == null) {
              throw new DatasetFormatException(
                  ocrFile.toString(),
                  "data[" + index + "]",
                  "expected a string 'image_id' and a list of strings 'ocr_tokens', found image_id "
                      + JsonKinds.of(e.get("image_id"))
                      + " and ocr_tokens "
                      + JsonKinds.of(e.get("ocr_tokens")));
            }
            ocr.put(e.get("image_id").asText(), String.join(", ", tokens));
          });
    }
    String split = JsonElements.topLevelScalars(file).path("dataset_type").asText("");
    List<QuestionEntry> entries = new ArrayList<>();
    JsonElements.list(
        file,
        "data",
        "an object with a list 'data' (TextVQA format)",
        (index, q) -> entries.add(entry(f, index, q, ocr)));
    DatasetRoot images =
        new DatasetRoot(
            spec.images() != null
                ? spec.images()
                : file.getParent().resolve(split.equals("test") ? "test_images" : "train_images"));
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), f);
    return Dataset.of(
        VisualQuestion.class,
        info,
        () -> Cursors.indexed(entries.size(), i -> entries.get(i).toSample(images, decoder)));
  }

  static QuestionEntry entry(String file, String index, JsonNode q, Map<String, String> ocr) {
    String place = "data[" + index + "]";
    if (!q.isObject()) {
      return QuestionEntry.broken(
          "data-" + index, file, place, "expected a question object, found " + JsonKinds.of(q));
    }
    String id = JsonKinds.id(q.get("question_id"));
    if (id == null) {
      return QuestionEntry.broken(
          "data-" + index,
          file,
          place + ".question_id",
          "expected the question id (an integer), found " + JsonKinds.of(q.get("question_id")));
    }
    JsonNode imageId = q.get("image_id");
    JsonNode text = q.get("question");
    if (imageId == null || !imageId.isTextual() || text == null || !text.isTextual()) {
      return QuestionEntry.broken(
          id,
          file,
          place,
          "expected strings 'image_id' and 'question', found image_id "
              + JsonKinds.of(imageId)
              + " and question "
              + JsonKinds.of(text));
    }
    List<String> answers = List.of();
    if (q.has("answers")) {
      answers = JsonElements.strings(q.get("answers"));
      if (answers == null) {
        return QuestionEntry.broken(
            id,
            file,
            place + ".answers",
            "expected a list of answer strings, found " + JsonKinds.of(q.get("answers")));
      }
    }
    Map<String, String> attributes = new HashMap<>();
    attributes.put("image_id", imageId.asText());
    List<String> own = JsonElements.strings(q.get("ocr_tokens"));
    String tokens =
        ocr.containsKey(imageId.asText())
            ? ocr.get(imageId.asText())
            : own == null ? null : String.join(", ", own);
    if (tokens != null) {
      attributes.put("ocr_tokens", tokens);
    }
    return new QuestionEntry(
        id, imageId.asText() + ".jpg", text.asText(), answers, null, attributes, file, place, null);
  }
}
