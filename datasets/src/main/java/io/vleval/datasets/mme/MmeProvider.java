package io.vleval.datasets.mme;

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
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * MME as {@code MME_Benchmark_release_version} unpacks: one folder per subtask, either with {@code
 * images/} and {@code questions_answers_YN/} (artwork, celebrity, landmark, posters, scene) or with
 * each image and its question file side by side. A question file {@code <name>.txt} belongs to the
 * image of the same base name ({@code .jpg}, {@code .png} or {@code .jpeg}) and holds one {@code
 * question<TAB>answer} line per question (two per image), the answer {@code Yes} or {@code No}.
 * Each question is a {@link VisualQuestion} with id {@code <subtask>/<image>/<k>}, the subtask as
 * its category and attributes {@code image} (the file name, as MME's result files name it).
 * Subtasks, question files and lines are read in name order.
 */
public final class MmeProvider implements DatasetProvider<MmeProvider.Spec> {

  private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".png", ".jpeg");

  /** Options of the MME loader. */
  public record Spec(
      @Doc("the MME_Benchmark_release_version folder") @Required @MustExist Path root,
      @Doc("subtask folders to read (default: every folder holding question files)")
          List<String> subtasks) {
    public Spec {
      subtasks = subtasks == null ? List.of() : List.copyOf(subtasks);
    }
  }

  @Override
  public String type() {
    return "mme";
  }

  @Override
  public String description() {
    return "MME: a folder per subtask, images and question<TAB>answer files (images/ + questions_answers_YN/ or side by side)";
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
    DatasetRoot root = new DatasetRoot(spec.root());
    List<String> subtasks = spec.subtasks().isEmpty() ? discover(root.path()) : spec.subtasks();
    if (subtasks.isEmpty()) {
      throw new DatasetFormatException(
          root.path().toString(),
          "",
          "no subtask folder with question files; expected MME_Benchmark_release_version's"
              + " layout (<subtask>/images/ + <subtask>/questions_answers_YN/, or images and .txt"
              + " files side by side)");
    }
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    Fingerprint fp = new Fingerprint("mme/1");
    List<VisualQuestion> out = new ArrayList<>();
    for (String subtask : subtasks) {
      String refusal = root.refusal(subtask);
      if (refusal != null || !Files.isDirectory(root.path().resolve(subtask))) {
        throw new DatasetFormatException(
            root.path().toString(),
            "subtask '" + subtask + "'",
            refusal != null ? refusal : "no such folder");
      }
      Path folder = root.confine(root.path().resolve(subtask), null);
      Path questions = folder.resolve("questions_answers_YN");
      Path imageFolder = folder.resolve("images");
      if (!Files.isDirectory(questions)) {
        questions = folder;
        imageFolder = folder;
      }
      Map<String, String> imageByBase = new HashMap<>();
      for (Path f : list(imageFolder)) {
        String name = f.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : IMAGE_EXTENSIONS) {
          if (lower.endsWith(ext)) {
            imageByBase.put(name.substring(0, name.length() - ext.length()), name);
          }
        }
      }
      List<Path> txts =
          list(questions).stream().filter(p -> p.toString().endsWith(".txt")).toList();
      if (txts.isEmpty()) {
        throw new DatasetFormatException(folder.toString(), "", "no question files (<image>.txt)");
      }
      for (Path txt : txts) {
        root.confine(txt, null);
        fp.add(subtask).addFileContent(txt);
        String base = txt.getFileName().toString();
        base = base.substring(0, base.length() - 4);
        String imageName = imageByBase.get(base);
        if (imageName == null) {
          throw new DatasetFormatException(
              txt.toString(),
              "",
              "no image named " + base + ".jpg, .png or .jpeg in " + imageFolder);
        }
        Path image = root.confine(imageFolder.resolve(imageName), subtask + "/" + imageName);
        List<String> lines = lines(txt);
        int k = 0;
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.isBlank()) {
            continue;
          }
          String[] fields = line.split("\t", -1);
          if (fields.length != 2) {
            throw new DatasetFormatException(
                txt.toString(),
                "line " + (i + 1),
                fields.length + " tab-separated fields, expected 2 (question<TAB>answer)");
          }
          String answer = fields[1].strip();
          if (!answer.equalsIgnoreCase("yes") && !answer.equalsIgnoreCase("no")) {
            throw new DatasetFormatException(
                txt.toString(), "line " + (i + 1), "answer '" + answer + "', expected Yes or No");
          }
          String id = subtask + "/" + imageName + "/" + k++;
          out.add(
              new VisualQuestion(
                  id,
                  new FileImageSource(image, id, decoder),
                  fields[0],
                  List.of(answer),
                  subtask,
                  Map.of("image", imageName)));
        }
      }
    }
    DatasetInfo info = new DatasetInfo(fp.hex(), out.size(), List.of(), root.path().toString());
    return Dataset.of(VisualQuestion.class, info, () -> Cursors.of(out));
  }

  /** The subfolders holding question files, by name. */
  private static List<String> discover(Path root) {
    List<String> out = new ArrayList<>();
    for (Path d : list(root)) {
      if (Files.isDirectory(d)
          && (Files.isDirectory(d.resolve("questions_answers_YN"))
              || list(d).stream().anyMatch(p -> p.toString().endsWith(".txt")))) {
        out.add(d.getFileName().toString());
      }
    }
    return out;
  }

  private static List<Path> list(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new DatasetFormatException(folder.toString(), "", "folder not found");
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new DatasetFormatException(
          folder.toString(), "", "cannot list: " + FailureText.of(e), e);
    }
  }

  private static List<String> lines(Path txt) {
    try {
      return Files.readAllLines(txt, StandardCharsets.UTF_8).stream()
          .map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l)
          .toList();
    } catch (CharacterCodingException e) {
      throw new DatasetFormatException(txt.toString(), "", "not UTF-8 text", e);
    } catch (IOException e) {
      throw new DatasetFormatException(txt.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
  }
}
