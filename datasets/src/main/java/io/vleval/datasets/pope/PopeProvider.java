package io.vleval.datasets.pope;

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
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.layout.JsonFields;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POPE as its repository ships it ({@code output/coco/}): {@code coco_pope_<split>.json} for the
 * splits adversarial, popular and random, each a JSON-lines file of {@code {"question_id", "image",
 * "text", "label"}} (label {@code yes} or {@code no}) over COCO val2014 images. Each line is a
 * {@link VisualQuestion} with id {@code <split>/<question_id>} (question ids restart in every
 * split), the split as its category and the label as its one answer.
 */
public final class PopeProvider implements DatasetProvider<PopeProvider.Spec> {

  /** POPE's three splits, in the order InternVL reports them. */
  public static final List<String> SPLITS = List.of("adversarial", "popular", "random");

  /** Options of the POPE loader. */
  public record Spec(
      @Doc("the folder holding coco_pope_<split>.json") @Required @MustExist Path annotations,
      @Doc("the COCO val2014 image folder") @Required @MustExist Path images,
      @Doc("splits to read (default: adversarial, popular, random)") List<String> splits) {
    public Spec {
      splits = splits == null || splits.isEmpty() ? SPLITS : List.copyOf(splits);
      for (String s : splits) {
        if (!SPLITS.contains(s)) {
          throw new IllegalArgumentException(
              "unknown split '" + s + "'; POPE's splits are adversarial, popular and random");
        }
      }
    }
  }

  @Override
  public String type() {
    return "pope";
  }

  @Override
  public String description() {
    return "POPE: coco_pope_{adversarial,popular,random}.json (question_id, image, text, label) over COCO val2014";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return VisualQuestion.class;
  }

  /** The annotation file of one split. */
  public static String fileName(String split) {
    return "coco_pope_" + split + ".json";
  }

  @Override
  public Dataset<VisualQuestion> open(Spec spec, PluginContext context) {
    Path folder = spec.annotations().toAbsolutePath().normalize();
    DatasetRoot images = new DatasetRoot(spec.images());
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    Fingerprint fp = new Fingerprint("pope/1");
    List<VisualQuestion> questions = new ArrayList<>();
    for (String split : spec.splits()) {
      Path file = folder.resolve(fileName(split));
      fp.add(split).addFileContent(file);
      Set<String> ids = new HashSet<>();
      for (JsonFields.Line line : JsonFields.readLines(file)) {
        JsonNode q = line.value();
        String place = "line " + line.number();
        String qid = JsonFields.id(q, "question_id", file, place);
        place = place + " (question_id " + qid + ")";
        if (!ids.add(qid)) {
          throw new DatasetFormatException(
              file.toString(), place, "question_id " + qid + " repeats; expected each once");
        }
        String image = JsonFields.text(q, "image", file, place);
        String text = JsonFields.text(q, "text", file, place);
        String label = JsonFields.text(q, "label", file, place);
        if (!label.equals("yes") && !label.equals("no")) {
          throw new DatasetFormatException(
              file.toString(), place, "label '" + label + "', expected 'yes' or 'no'");
        }
        String id = split + "/" + qid;
        Path imageFile = images.resolve(image, file.toString(), place, id);
        questions.add(
            new VisualQuestion(
                id,
                new FileImageSource(imageFile, id, decoder),
                text,
                List.of(label),
                split,
                Map.of("question_id", qid, "image", image)));
      }
      if (ids.isEmpty()) {
        throw new DatasetFormatException(file.toString(), "", "no questions");
      }
    }
    DatasetInfo info = new DatasetInfo(fp.hex(), questions.size(), List.of(), folder.toString());
    return Dataset.of(VisualQuestion.class, info, () -> Cursors.of(questions));
  }
}
