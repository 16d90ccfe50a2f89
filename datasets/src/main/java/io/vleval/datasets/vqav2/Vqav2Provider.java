package io.vleval.datasets.vqav2;

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
import java.util.Locale;
import java.util.Map;

/**
 * VQAv2 as the VQA site ships it: {@code v2_OpenEnded_mscoco_<subtype>_questions.json} ({@code
 * data_subtype}, {@code questions[]} with {@code question_id}, {@code image_id}, {@code question}),
 * {@code v2_mscoco_<subtype>_annotations.json} ({@code annotations[]} with {@code question_id},
 * {@code answers[].answer}, {@code answer_type}, {@code question_type}; absent for the test splits)
 * and COCO's image folder ({@code COCO_<subtype>_%012d.jpg}; test-dev2015 questions use test2015's
 * images). Samples come in the order of {@code questions[]}; ids are question ids; category is the
 * answer type. Both JSON files are streamed.
 */
public final class Vqav2Provider implements DatasetProvider<Vqav2Provider.Spec> {

  /** Options of the VQAv2 loader. */
  public record Spec(
      @Doc("v2_OpenEnded_mscoco_<subtype>_questions.json") @Required @MustExist Path questions,
      @Doc("v2_mscoco_<subtype>_annotations.json (leave out for test splits: no answers)")
          @MustExist
          Path annotations,
      @Doc("COCO image folder (default: <questions folder>/<image subtype>, e.g. val2014)")
          @MustExist
          Path images,
      @Doc(
              "subtype in the image file names (default: the questions' data_subtype; test2015 for test-dev2015)")
          String imageSubtype) {}

  @Override
  public String type() {
    return "vqav2";
  }

  @Override
  public String description() {
    return "VQAv2 questions and annotations JSON over COCO image folders (COCO_<subtype>_%012d.jpg)";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return VisualQuestion.class;
  }

  /** One annotation, compact. */
  private record Annotation(List<String> answers, String answerType, String questionType) {}

  @Override
  public Dataset<VisualQuestion> open(Spec spec, PluginContext context) {
    Path questionsFile = spec.questions().toAbsolutePath().normalize();
    String qf = questionsFile.toString();
    JsonNode top = JsonElements.topLevelScalars(questionsFile);
    String subtype =
        spec.imageSubtype() != null
            ? spec.imageSubtype()
            : imageSubtype(top.path("data_subtype").asText(""));
    if (subtype.isEmpty()) {
      throw new DatasetFormatException(
          qf,
          "data_subtype",
          "missing 'data_subtype' (e.g. val2014), which names the images; give image_subtype");
    }
    Map<Long, Annotation> annotations = new HashMap<>();
    Map<Long, String> brokenAnnotations = new HashMap<>();
    Fingerprint fp = new Fingerprint("vqav2/1").addFileContent(questionsFile);
    String af = null;
    if (spec.annotations() != null) {
      Path annotationsFile = spec.annotations().toAbsolutePath().normalize();
      af = annotationsFile.toString();
      fp.addFileContent(annotationsFile);
      String file = af;
      JsonElements.list(
          annotationsFile,
          "annotations",
          "an object with a list 'annotations' (VQA annotation format)",
          (index, a) -> {
            String place = "annotations[" + index + "]";
            long qid =
                a.path("question_id").canConvertToLong() ? a.get("question_id").asLong() : -1;
            if (!a.isObject() || !a.path("question_id").isIntegralNumber()) {
              throw new DatasetFormatException(
                  file,
                  place,
                  "expected an annotation object with an integer 'question_id', found "
                      + (a.isObject() ? JsonKinds.of(a.get("question_id")) : JsonKinds.of(a)));
            }
            List<String> answers = new ArrayList<>();
            JsonNode list = a.get("answers");
            String problem = null;
            if (list == null || !list.isArray() || list.isEmpty()) {
              problem =
                  "expected 'answers' as a list of answer objects, found " + JsonKinds.of(list);
            } else {
              for (int j = 0; j < list.size() && problem == null; j++) {
                JsonNode text = list.get(j).get("answer");
                if (text == null || !text.isTextual()) {
                  problem =
                      "answers[" + j + "].answer must be a string, found " + JsonKinds.of(text);
                } else {
                  answers.add(text.asText());
                }
              }
            }
            if (problem != null) {
              brokenAnnotations.put(qid, place + ": " + problem);
            } else {
              annotations.put(
                  qid,
                  new Annotation(
                      answers,
                      a.path("answer_type").asText(null),
                      a.path("question_type").asText(null)));
            }
          });
    }
    List<QuestionEntry> entries = new ArrayList<>();
    String annotationFile = af;
    JsonElements.list(
        questionsFile,
        "questions",
        "an object with a list 'questions' (VQA questions format)",
        (index, q) -> {
          String place = "questions[" + index + "]";
          JsonNode qid = q.get("question_id");
          JsonNode imageId = q.get("image_id");
          JsonNode text = q.get("question");
          if (!q.isObject()
              || qid == null
              || !qid.isIntegralNumber()
              || imageId == null
              || !imageId.isIntegralNumber()
              || text == null
              || !text.isTextual()) {
            entries.add(
                QuestionEntry.broken(
                    "questions-" + index,
                    qf,
                    place,
                    "expected an object with integer 'question_id' and 'image_id' and string"
                        + " 'question', found "
                        + (q.isObject()
                            ? "question_id "
                                + JsonKinds.of(qid)
                                + ", image_id "
                                + JsonKinds.of(imageId)
                                + ", question "
                                + JsonKinds.of(text)
                            : JsonKinds.of(q))));
            return;
          }
          String id = qid.asText();
          List<String> answers = List.of();
          String answerType = null;
          Map<String, String> attributes = new HashMap<>();
          attributes.put("image_id", imageId.asText());
          if (annotationFile != null) {
            Annotation a = annotations.get(qid.asLong());
            if (a == null) {
              String broken = brokenAnnotations.get(qid.asLong());
              entries.add(
                  QuestionEntry.broken(
                      id,
                      annotationFile,
                      broken != null ? broken.substring(0, broken.indexOf(':')) : "annotations",
                      broken != null
                          ? broken.substring(broken.indexOf(':') + 2)
                          : "no annotation for question_id " + id + " of " + qf + " " + place));
              return;
            }
            answers = a.answers();
            answerType = a.answerType();
            if (a.questionType() != null) {
              attributes.put("question_type", a.questionType());
            }
          }
          String image = String.format(Locale.ROOT, "COCO_%s_%012d.jpg", subtype, imageId.asLong());
          entries.add(
              new QuestionEntry(
                  id, image, text.asText(), answers, answerType, attributes, qf, place, null));
        });
    DatasetRoot images =
        new DatasetRoot(
            spec.images() != null ? spec.images() : questionsFile.getParent().resolve(subtype));
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), qf);
    return Dataset.of(
        VisualQuestion.class,
        info,
        () -> Cursors.indexed(entries.size(), i -> entries.get(i).toSample(images, decoder)));
  }

  /** Test-dev questions are a subset of test2015, whose images they use. */
  static String imageSubtype(String dataSubtype) {
    return dataSubtype.equals("test-dev2015") ? "test2015" : dataSubtype;
  }
}
