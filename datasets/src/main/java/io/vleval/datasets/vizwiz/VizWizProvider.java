package io.vleval.datasets.vizwiz;

import com.fasterxml.jackson.databind.JsonNode;
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
 * VizWiz-VQA as its site ships it: {@code <split>.json}, a list of {@code {image, question,
 * answers: [{answer, answer_confidence}], answer_type, answerable}} ({@code answers}, {@code
 * answer_type} and {@code answerable} absent in the test split), over the {@code <split>/} image
 * folder. VizWiz identifies a question by its image, so sample ids are the image file names, as its
 * scorer and submission files use them; category is the answer type ({@code unanswerable}, {@code
 * yes/no}, {@code number}, {@code other}). The JSON is streamed.
 */
public final class VizWizProvider implements DatasetProvider<VizWizProvider.Spec> {

  /** Options of the VizWiz loader. */
  public record Spec(
      @Doc("<split>.json, e.g. val.json") @Required @MustExist Path annotations,
      @Doc("image folder (default: the folder named after the JSON, beside it, e.g. val/)")
          @MustExist
          Path images) {}

  @Override
  public String type() {
    return "vizwiz";
  }

  @Override
  public String description() {
    return "VizWiz-VQA <split>.json (image, question, answers, answer_type, answerable) over <split>/";
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
    List<QuestionEntry> entries = new ArrayList<>();
    JsonElements.list(
        file,
        null,
        "a list of question objects (VizWiz format)",
        (index, q) -> entries.add(entry(f, index, q)));
    String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
    DatasetRoot images =
        new DatasetRoot(spec.images() != null ? spec.images() : file.getParent().resolve(stem));
    Fingerprint fp = new Fingerprint("vizwiz/1").addFileContent(file);
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), f);
    return Dataset.of(
        VisualQuestion.class,
        info,
        () -> Cursors.indexed(entries.size(), i -> entries.get(i).toSample(images, decoder)));
  }

  static QuestionEntry entry(String file, String index, JsonNode q) {
    String place = "[" + index + "]";
    JsonNode image = q.get("image");
    JsonNode text = q.get("question");
    if (!q.isObject() || image == null || !image.isTextual() || text == null || !text.isTextual()) {
      return QuestionEntry.broken(
          "entry-" + index,
          file,
          place,
          "expected an object with strings 'image' and 'question', found "
              + (q.isObject()
                  ? "image " + JsonKinds.of(image) + " and question " + JsonKinds.of(text)
                  : JsonKinds.of(q)));
    }
    String id = image.asText();
    List<String> answers = new ArrayList<>();
    JsonNode list = q.get("answers");
    if (list != null) {
      if (!list.isArray()) {
        return QuestionEntry.broken(
            id,
            file,
            place + ".answers",
            "expected a list of answers, found " + JsonKinds.of(list));
      }
      for (int j = 0; j < list.size(); j++) {
        JsonNode a = list.get(j).get("answer");
        if (a == null || !a.isTextual()) {
          return QuestionEntry.broken(
              id,
              file,
              place + ".answers[" + j + "].answer",
              "expected the answer string, found " + JsonKinds.of(a));
        }
        answers.add(a.asText());
      }
    }
    Map<String, String> attributes = new HashMap<>();
    if (q.has("answerable")) {
      attributes.put("answerable", q.get("answerable").asText());
    }
    String answerType = q.path("answer_type").isTextual() ? q.get("answer_type").asText() : null;
    return new QuestionEntry(
        id, id, text.asText(), answers, answerType, attributes, file, place, null);
  }
}
