package io.vleval.datasets.gqa;

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
 * GQA as its site ships it: {@code <split>_questions.json} (e.g. {@code
 * testdev_balanced_questions.json}), an object from question id to {@code {imageId, question,
 * answer, isBalanced, types: {structural, semantic}}} ({@code answer} absent in the test split),
 * over {@code images/<imageId>.jpg}. Only questions with {@code isBalanced} are listed, the ones
 * GQA's {@code eval.py} scores ({@code balanced_only: false} lists all). Samples come in the file's
 * order; ids are question ids. The JSON is streamed.
 */
public final class GqaProvider implements DatasetProvider<GqaProvider.Spec> {

  /** Options of the GQA loader. */
  public record Spec(
      @Doc("<split>_questions.json, e.g. testdev_balanced_questions.json") @Required @MustExist
          Path questions,
      @Doc("image folder (default: <questions folder>/images)") @MustExist Path images,
      @Doc("list only questions with isBalanced, as eval.py scores them (default true)")
          Boolean balancedOnly) {
    public Spec {
      balancedOnly = balancedOnly == null ? Boolean.TRUE : balancedOnly;
    }
  }

  @Override
  public String type() {
    return "gqa";
  }

  @Override
  public String description() {
    return "GQA <split>_questions.json (imageId, question, answer, types) over images/";
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
    Path file = spec.questions().toAbsolutePath().normalize();
    String f = file.toString();
    List<QuestionEntry> entries = new ArrayList<>();
    JsonElements.object(
        file,
        "an object from question id to question (GQA questions format)",
        (qid, q) -> {
          if (spec.balancedOnly() && q.isObject() && !q.path("isBalanced").asBoolean(false)) {
            return;
          }
          entries.add(entry(f, qid, q));
        });
    DatasetRoot images =
        new DatasetRoot(spec.images() != null ? spec.images() : file.getParent().resolve("images"));
    Fingerprint fp =
        new Fingerprint("gqa/1").addFileContent(file).add(spec.balancedOnly() ? "balanced" : "all");
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), f);
    return Dataset.of(
        VisualQuestion.class,
        info,
        () -> Cursors.indexed(entries.size(), i -> entries.get(i).toSample(images, decoder)));
  }

  static QuestionEntry entry(String file, String qid, JsonNode q) {
    String place = "'" + qid + "'";
    if (!q.isObject()) {
      return QuestionEntry.broken(
          qid, file, place, "expected a question object, found " + JsonKinds.of(q));
    }
    JsonNode imageId = q.get("imageId");
    JsonNode text = q.get("question");
    if (imageId == null || !imageId.isTextual() || text == null || !text.isTextual()) {
      return QuestionEntry.broken(
          qid,
          file,
          place,
          "expected strings 'imageId' and 'question', found imageId "
              + JsonKinds.of(imageId)
              + " and question "
              + JsonKinds.of(text));
    }
    List<String> answers = List.of();
    JsonNode answer = q.get("answer");
    if (answer != null && !answer.isNull()) {
      if (!answer.isTextual()) {
        return QuestionEntry.broken(
            qid,
            file,
            place + ".answer",
            "expected the answer string, found " + JsonKinds.of(answer));
      }
      answers = List.of(answer.asText());
    }
    Map<String, String> attributes = new HashMap<>();
    attributes.put("image_id", imageId.asText());
    JsonNode types = q.path("types");
    attributes.put("structural", types.path("structural").asText(""));
    attributes.put("semantic", types.path("semantic").asText(""));
    return new QuestionEntry(
        qid,
        imageId.asText() + ".jpg",
        text.asText(),
        answers,
        types.path("structural").asText(null),
        attributes,
        file,
        place,
        null);
  }
}
