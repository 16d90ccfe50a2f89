package io.vleval.datasets.scienceqa;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ScienceQA as its repository lays it out under {@code data/scienceqa/}: {@code problems.json} (pid
 * to {@code question, choices, answer} (an index), {@code hint} (the context), {@code image} (a
 * file name or null), {@code subject, grade, split}...), {@code pid_splits.json} (split name to
 * pids) and {@code images/<split>/<pid>/<image>}. The questions of a split, in {@code
 * pid_splits.json}'s order; by default only those with an image (ScienceQA-IMG, the set InternVL
 * and LLaVA report). Each is a {@link MultipleChoiceQuestion}: the hint, the choices as options A,
 * B..., the answer's letter, the subject as its category and the grade as its second category.
 */
public final class ScienceQaProvider implements DatasetProvider<ScienceQaProvider.Spec> {

  /** Options of the ScienceQA loader. */
  public record Spec(
      @Doc("the folder holding problems.json, pid_splits.json and images/") @Required @MustExist
          Path root,
      @Doc("the split of pid_splits.json (default test)") String split,
      @Doc("only the questions with an image, ScienceQA-IMG (default true)") Boolean imageOnly) {
    public Spec {
      split = split == null ? "test" : split;
      imageOnly = imageOnly == null ? Boolean.TRUE : imageOnly;
    }
  }

  @Override
  public String type() {
    return "scienceqa";
  }

  @Override
  public String description() {
    return "ScienceQA: problems.json + pid_splits.json + images/<split>/<pid>/ (IMG: questions with an image)";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return MultipleChoiceQuestion.class;
  }

  @Override
  public Dataset<MultipleChoiceQuestion> open(Spec spec, PluginContext context) {
    Path root = spec.root().toAbsolutePath().normalize();
    Path problemsFile = root.resolve("problems.json");
    Path splitsFile = root.resolve("pid_splits.json");
    JsonNode splits = JsonFields.readFile(splitsFile);
    JsonNode pids = splits.isObject() ? splits.get(spec.split()) : null;
    if (pids == null || !pids.isArray()) {
      throw new DatasetFormatException(
          splitsFile.toString(),
          "key '" + spec.split() + "'",
          pids == null
              ? "no such split; expected an object from split name (train, val, test...) to pids"
              : "expected a list of pids, found " + JsonKinds.of(pids));
    }
    JsonNode problems = JsonFields.readFile(problemsFile);
    if (!problems.isObject()) {
      throw new DatasetFormatException(
          problemsFile.toString(),
          "",
          "expected an object from pid to problem, found " + JsonKinds.of(problems));
    }
    DatasetRoot images = new DatasetRoot(root.resolve("images"));
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    List<MultipleChoiceQuestion> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < pids.size(); i++) {
      String pid = JsonKinds.id(pids.get(i));
      String splitPlace = "key '" + spec.split() + "'[" + i + "]";
      if (pid == null) {
        throw new DatasetFormatException(
            splitsFile.toString(),
            splitPlace,
            "expected a pid, found " + JsonKinds.of(pids.get(i)));
      }
      if (!seen.add(pid)) {
        throw new DatasetFormatException(
            splitsFile.toString(), splitPlace, "pid " + pid + " repeats; expected each once");
      }
      JsonNode p = problems.get(pid);
      if (p == null || !p.isObject()) {
        throw new DatasetFormatException(
            problemsFile.toString(),
            "key '" + pid + "'",
            p == null
                ? "missing; " + splitsFile.getFileName() + " lists it in split " + spec.split()
                : "expected a problem object, found " + JsonKinds.of(p));
      }
      String place = "key '" + pid + "'";
      JsonNode image = p.get("image");
      boolean hasImage = image != null && !image.isNull() && !image.asText().isEmpty();
      if (spec.imageOnly() && !hasImage) {
        continue;
      }
      out.add(question(pid, p, hasImage, problemsFile, place, images, decoder));
    }
    if (out.isEmpty()) {
      throw new DatasetFormatException(
          splitsFile.toString(),
          "key '" + spec.split() + "'",
          "no questions" + (spec.imageOnly() ? " with an image" : "") + " in the split");
    }
    Fingerprint fp =
        new Fingerprint("scienceqa/1")
            .add(spec.split())
            .add(spec.imageOnly() ? "img" : "all")
            .addFileContent(problemsFile)
            .addFileContent(splitsFile);
    DatasetInfo info = new DatasetInfo(fp.hex(), out.size(), List.of(), root.toString());
    return Dataset.of(MultipleChoiceQuestion.class, info, () -> Cursors.of(out));
  }

  private static MultipleChoiceQuestion question(
      String pid,
      JsonNode p,
      boolean hasImage,
      Path file,
      String place,
      DatasetRoot images,
      ImageDecoder decoder) {
    String question = JsonFields.text(p, "question", file, place);
    JsonNode choices = p.get("choices");
    if (choices == null || !choices.isArray() || choices.size() < 2 || choices.size() > 5) {
      throw new DatasetFormatException(
          file.toString(),
          place + ".choices",
          "expected a list of 2 to 5 choice strings, found " + JsonKinds.of(choices));
    }
    List<String> options = new ArrayList<>();
    for (JsonNode c : choices) {
      if (!c.isTextual()) {
        throw new DatasetFormatException(
            file.toString(), place + ".choices", "expected strings, found " + JsonKinds.of(c));
      }
      options.add(c.asText());
    }
    JsonNode answer = p.get("answer");
    if (answer == null
        || !answer.isIntegralNumber()
        || answer.asInt() < 0
        || answer.asInt() >= options.size()) {
      throw new DatasetFormatException(
          file.toString(),
          place + ".answer",
          "expected the index of the right choice (0 to "
              + (options.size() - 1)
              + "), found "
              + JsonKinds.of(answer));
    }
    JsonNode hint = p.get("hint");
    String context =
        hint == null || hint.isNull() || hint.asText().isEmpty() ? null : hint.asText();
    FileImageSource source = null;
    if (hasImage) {
      String split = JsonFields.text(p, "split", file, place);
      String relative = split + "/" + pid + "/" + p.get("image").asText();
      source =
          new FileImageSource(
              images.resolve(relative, file.toString(), place + ".image", pid), pid, decoder);
    }
    return new MultipleChoiceQuestion(
        pid,
        pid,
        source,
        question,
        context,
        options,
        MultipleChoiceQuestion.optionLetters(options.size()).get(answer.asInt()),
        p.hasNonNull("subject") ? p.get("subject").asText() : "",
        p.hasNonNull("grade") ? p.get("grade").asText() : "");
  }
}
