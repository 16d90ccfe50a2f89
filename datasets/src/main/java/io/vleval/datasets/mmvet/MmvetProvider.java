package io.vleval.datasets.mmvet;

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
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.layout.JsonFields;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * MM-Vet as {@code mm-vet.zip} unpacks: {@code mm-vet.json}, an object from sample id ({@code
 * v1_0}...) to {@code {"imagename", "capability": [...], "question", "answer"}}, and the images in
 * {@code images/}. Each entry is a {@link VisualQuestion} whose one answer is the ground truth
 * (with its {@code <AND>}/{@code <OR>} markers), whose category is its capabilities joined by
 * commas and whose attribute {@code capability} holds the same list.
 */
public final class MmvetProvider implements DatasetProvider<MmvetProvider.Spec> {

  /** Options of the MM-Vet loader. */
  public record Spec(
      @Doc("the folder holding mm-vet.json and images/") @Required @MustExist Path root) {}

  @Override
  public String type() {
    return "mmvet";
  }

  @Override
  public String description() {
    return "MM-Vet: mm-vet.json (imagename, capability, question, answer) + images/";
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
    Path root = spec.root().toAbsolutePath().normalize();
    Path file = root.resolve("mm-vet.json");
    JsonNode data = JsonFields.readFile(file);
    if (!data.isObject()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "expected an object from sample id to its entry, found " + JsonKinds.of(data));
    }
    DatasetRoot images = new DatasetRoot(root.resolve("images"));
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    List<VisualQuestion> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String id = e.getKey();
      String place = "key '" + id + "'";
      JsonNode v = e.getValue();
      if (!v.isObject()) {
        throw new DatasetFormatException(
            file.toString(), place, "expected an object, found " + JsonKinds.of(v));
      }
      String imagename = JsonFields.text(v, "imagename", file, place);
      String question = JsonFields.text(v, "question", file, place);
      String answer = JsonFields.text(v, "answer", file, place);
      JsonNode caps = v.get("capability");
      if (caps == null || !caps.isArray() || caps.isEmpty()) {
        throw new DatasetFormatException(
            file.toString(),
            place,
            "'capability' is "
                + JsonKinds.of(caps)
                + ", expected a non-empty list of capabilities (rec, ocr, know, gen, spat, math)");
      }
      List<String> capabilities = new ArrayList<>();
      for (JsonNode c : caps) {
        if (!c.isTextual()) {
          throw new DatasetFormatException(
              file.toString(),
              place + ".capability",
              "expected capability names (strings), found " + JsonKinds.of(c));
        }
        capabilities.add(c.asText());
      }
      Path image = images.resolve(imagename, file.toString(), place + ".imagename", id);
      String joined = String.join(",", capabilities);
      out.add(
          new VisualQuestion(
              id,
              new FileImageSource(image, id, decoder),
              question,
              List.of(answer),
              joined,
              Map.of("capability", joined, "imagename", imagename)));
    }
    if (out.isEmpty()) {
      throw new DatasetFormatException(file.toString(), "", "no samples");
    }
    Fingerprint fp = new Fingerprint("mmvet/1").addFileContent(file);
    DatasetInfo info = new DatasetInfo(fp.hex(), out.size(), List.of(), root.toString());
    return Dataset.of(VisualQuestion.class, info, () -> Cursors.of(out));
  }
}
