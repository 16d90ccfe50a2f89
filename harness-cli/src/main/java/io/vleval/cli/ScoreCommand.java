package io.vleval.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vleval.api.error.VlevalException;
import io.vleval.api.files.AtomicFiles;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.captioning.CaptionScoring;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ClosedScoring;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.tasks.mmbench.MultipleChoiceScoring;
import io.vleval.tasks.retrieval.RetrievalScoring;
import io.vleval.tasks.segmentation.SegmentationScoring;
import io.vleval.tasks.zeroshot.ClassificationScoring;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval score FAMILY ...}: scores prediction files users already have, with the same metric
 * code a run uses (as one would run coco-caption or VLMEvalKit's evaluation step).
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Score existing predictions against references, as the reference tools would.",
      "Formats: see tasks/README.md. Prints a table; --json prints JSON instead; -o also writes the JSON to a file."
    },
    subcommands = {
      ScoreCommand.Captioning.class,
      ScoreCommand.Retrieval.class,
      ScoreCommand.Classification.class,
      ScoreCommand.Segmentation.class,
      ScoreCommand.Mmbench.class,
      ScoreCommand.Pope.class,
      ScoreCommand.Mme.class,
      ScoreCommand.ScienceQa.class,
      ScoreCommand.Mmvet.class,
      VqaScoreCommands.Vqav2.class,
      VqaScoreCommands.TextVqa.class,
      VqaScoreCommands.VizWiz.class,
      VqaScoreCommands.Gqa.class
    })
final class ScoreCommand implements Runnable {

  @ParentCommand VlevalCommand parent;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(parent.console.out());
  }

  /** Options every family shares. */
  static final class Output {
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE",
        description = "Also write the scores as JSON to FILE.")
    Path out;

    @Option(
        names = "--resamples",
        defaultValue = "1000",
        description =
            "Bootstrap resamples for the 95%% confidence intervals; 0 for none (default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin CommonOptions common;

    ScoreOptions options() {
      if (resamples < 0) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--resamples must be 0 or more, got " + resamples);
      }
      return resamples == 0 ? ScoreOptions.NO_INTERVALS : new ScoreOptions(resamples, seed, 0.95);
    }
  }

  /** What one input argument must be: a file or a folder, described for messages. */
  record Input(Path path, String label, boolean folder, String expected) {
    static Input file(Path path, String label, String expected) {
      return new Input(path, label, false, expected);
    }

    static Input folder(Path path, String label, String expected) {
      return new Input(path, label, true, expected);
    }
  }

  /**
   * Checks that every input exists, is of the right kind and can be read, before any is parsed, so
   * that a mistyped path is reported as such (not as a file in a bad format), all at once, one line
   * each: {@code FILE (LABEL): what is wrong; expected WHAT}.
   */
  static void checkInputs(Input... inputs) {
    List<String> problems = new ArrayList<>();
    for (Input in : inputs) {
      String problem = problem(in);
      if (problem != null) {
        problems.add(
            in.path() + " (" + in.label() + "): " + problem + "; expected " + in.expected());
      }
    }
    if (!problems.isEmpty()) {
      throw new VlevalException(String.join("\n", problems));
    }
  }

  private static String problem(Input in) {
    Path p = in.path();
    if (!Files.exists(p)) {
      return Files.exists(p, LinkOption.NOFOLLOW_LINKS)
          ? "is a broken symbolic link"
          : "does not exist";
    }
    if (in.folder() && !Files.isDirectory(p)) {
      return "is a file, not a folder";
    }
    if (!in.folder() && Files.isDirectory(p)) {
      return "is a folder, not a file";
    }
    if (!in.folder() && !Files.isRegularFile(p)) {
      return "is not a regular file";
    }
    if (!Files.isReadable(p)) {
      return "cannot be read (permission denied)";
    }
    return null;
  }

  static int print(ScoreTable table, Output output, Console console) {
    String json = json(table);
    if (output.out != null) {
      AtomicFiles.write(output.out, json + "\n");
    }
    PrintWriter out = console.out();
    if (output.json) {
      out.println(json);
    } else {
      out.printf(Locale.ROOT, "%s: %d %ss%n", table.family(), table.units(), table.unit());
      out.printf(Locale.ROOT, "%-36s %14s  %s%n", "metric", "value", "95% CI");
      for (MetricValue m : table.metrics()) {
        String ci =
            m.interval() == null
                ? ""
                : String.format(
                    Locale.ROOT, "[%.6f, %.6f]", m.interval().lower(), m.interval().upper());
        out.printf(Locale.ROOT, "%-36s %14.6f  %s%n", m.name(), m.value(), ci);
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  static String json(ScoreTable table) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("family", table.family());
    root.put("unit", table.unit());
    root.put("units", table.units());
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (MetricValue m : table.metrics()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", m.name());
      e.put("value", m.value());
      if (m.interval() != null) {
        e.put("ci_lower", m.interval().lower());
        e.put("ci_upper", m.interval().upper());
      }
      metrics.add(e);
    }
    root.put("metrics", metrics);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write scores as JSON", e);
    }
  }

  @Command(
      name = "captioning",
      mixinStandardHelpOptions = true,
      description =
          "BLEU-1..4, ROUGE-L and CIDEr-D (coco-caption), from COCO results JSON and COCO caption annotations.")
  static final class Captioning implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "PREDICTIONS",
        description = "COCO results JSON: [{image_id, caption}].")
    Path predictions;

    @Parameters(
        index = "1",
        paramLabel = "REFERENCES",
        description = "COCO captions JSON (annotations: [{image_id, caption}]).")
    Path references;

    @Option(
        names = "--no-tokenize",
        description = "Skip PTB tokenization (inputs already tokenized).")
    boolean noTokenize;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.file(predictions, "PREDICTIONS", "a COCO results JSON file"),
          Input.file(references, "REFERENCES", "a COCO captions JSON file"));
      return print(
          CaptionScoring.score(predictions, references, !noTokenize, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "retrieval",
      mixinStandardHelpOptions = true,
      description = "Image-to-text and text-to-image Recall@K and mean recall (CLIP_benchmark).")
  static final class Retrieval implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "PREDICTIONS",
        description = "JSON with scores, or image_embeddings and text_embeddings.")
    Path predictions;

    @Parameters(
        index = "1",
        paramLabel = "REFERENCES",
        description = "JSON with texts_image_index (and optional k).")
    Path references;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.file(predictions, "PREDICTIONS", "a JSON file of scores or embeddings"),
          Input.file(references, "REFERENCES", "a JSON file with texts_image_index"));
      return print(
          RetrievalScoring.score(predictions, references, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "classification",
      mixinStandardHelpOptions = true,
      description = "Top-1, top-5 and mean per-class recall (CLIP_benchmark).")
  static final class Classification implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(index = "0", paramLabel = "PREDICTIONS", description = "JSON with logits (n x C).")
    Path predictions;

    @Parameters(
        index = "1",
        paramLabel = "REFERENCES",
        description = "JSON with target and n_classes.")
    Path references;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.file(predictions, "PREDICTIONS", "a JSON file with logits"),
          Input.file(references, "REFERENCES", "a JSON file with target and n_classes"));
      return print(
          ClassificationScoring.score(predictions, references, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "segmentation",
      mixinStandardHelpOptions = true,
      description =
          "aAcc, mIoU, mAcc and per-class IoU/Acc (mmsegmentation), from two folders of label PNGs.")
  static final class Segmentation implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(index = "0", paramLabel = "PREDICTION_DIR")
    Path predictions;

    @Parameters(index = "1", paramLabel = "LABEL_DIR")
    Path labels;

    @Option(
        names = "--num-classes",
        defaultValue = "150",
        description = "Classes (default ${DEFAULT-VALUE}, ADE20K).")
    int numClasses;

    @Option(
        names = "--ignore-index",
        defaultValue = "255",
        description = "Ignored label (default ${DEFAULT-VALUE}).")
    int ignoreIndex;

    @Option(
        names = "--no-reduce-zero-label",
        description = "Do not map label 0 to the ignore index (ADE20K reduces it).")
    boolean noReduce;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.folder(predictions, "PREDICTION_DIR", "a folder of predicted label PNGs"),
          Input.folder(labels, "LABEL_DIR", "a folder of ground-truth label PNGs"));
      return print(
          SegmentationScoring.score(
              predictions, labels, numClasses, ignoreIndex, !noReduce, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "mmbench",
      mixinStandardHelpOptions = true,
      description =
          "MMBench accuracy with VLMEvalKit's answer extraction, circular by default, overall and per category.")
  static final class Mmbench implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "PREDICTIONS",
        description = "TSV with the dataset's columns plus prediction.")
    Path predictions;

    @Parameters(index = "1", paramLabel = "DATASET", description = "The MMBench TSV.")
    Path dataset;

    @Option(
        names = "--vanilla",
        description = "Score every row on its own instead of circular evaluation.")
    boolean vanilla;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.file(predictions, "PREDICTIONS", "a TSV file of predictions"),
          Input.file(dataset, "DATASET", "the MMBench TSV file"));
      return print(
          MultipleChoiceScoring.score(predictions, dataset, !vanilla, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "pope",
      mixinStandardHelpOptions = true,
      description =
          "POPE accuracy, precision, recall, F1 and yes-ratio per split, and the splits' mean F1, from an answers JSONL and POPE's label files.")
  static final class Pope implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "ANSWERS",
        description = "JSONL of {question_id, answer (or text)[, category]}.")
    Path answers;

    @Parameters(
        index = "1",
        paramLabel = "LABELS",
        description =
            "A coco_pope_<split>.json, or the folder of them (then each answer names its split in category).")
    Path labels;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(Input.file(answers, "ANSWERS", "a JSON-lines file of answers"));
      if (!Files.exists(labels)) {
        checkInputs(Input.file(labels, "LABELS", "a coco_pope_<split>.json or its folder"));
      }
      return print(
          ClosedScoring.pope(answers, labels, output.options()), output, score.parent.console);
    }
  }

  @Command(
      name = "mme",
      mixinStandardHelpOptions = true,
      description =
          "MME acc, acc+ and score per subtask, perception and cognition sums (calculation.py), from a folder of <subtask>.txt result files.")
  static final class Mme implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "RESULTS_DIR",
        description = "Folder of <subtask>.txt: image, question, answer, reply (tab-separated).")
    Path results;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(Input.folder(results, "RESULTS_DIR", "a folder of <subtask>.txt result files"));
      return print(ClosedScoring.mme(results, output.options()), output, score.parent.console);
    }
  }

  @Command(
      name = "scienceqa",
      mixinStandardHelpOptions = true,
      description =
          "ScienceQA accuracy and its breakdown by subject, context and grade, from LLaVA's answers JSONL and ScienceQA's problems.json and pid_splits.json.")
  static final class ScienceQa implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "ANSWERS",
        description = "JSONL of {question_id, text} (LLaVA's answer file).")
    Path answers;

    @Parameters(
        index = "1",
        paramLabel = "BASE_DIR",
        description = "The folder with problems.json and pid_splits.json.")
    Path base;

    @Option(
        names = "--split",
        defaultValue = "test",
        description = "Split of pid_splits.json (default ${DEFAULT-VALUE}).")
    String split;

    @Option(
        names = "--scorer",
        defaultValue = "llava",
        description =
            "llava (eval_science_qa.py's letter extraction) or internvl (evaluate_scienceqa.py's post_process); default ${DEFAULT-VALUE}.")
    String scorer;

    @Mixin Output output;

    @Override
    public Integer call() {
      if (!scorer.equals("llava") && !scorer.equals("internvl")) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--scorer must be llava or internvl, got " + scorer);
      }
      checkInputs(
          Input.file(answers, "ANSWERS", "a JSON-lines file of answers"),
          Input.file(base.resolve("problems.json"), "BASE_DIR", "ScienceQA's problems.json"),
          Input.file(base.resolve("pid_splits.json"), "BASE_DIR", "ScienceQA's pid_splits.json"));
      return print(
          ClosedScoring.scienceQa(answers, base, split, scorer, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "mmvet",
      mixinStandardHelpOptions = true,
      description =
          "MM-Vet total and per-capability scores from mm-vet_evaluator.py's grade file and mm-vet.json.")
  static final class Mmvet implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "GRADES",
        description = "The evaluator's grade JSON: {id: {score: [...]}}.")
    Path grades;

    @Parameters(index = "1", paramLabel = "MM_VET_JSON", description = "MM-Vet's mm-vet.json.")
    Path mmvet;

    @Mixin Output output;

    @Override
    public Integer call() {
      checkInputs(
          Input.file(grades, "GRADES", "the evaluator's grade JSON file"),
          Input.file(mmvet, "MM_VET_JSON", "MM-Vet's mm-vet.json"));
      return print(
          ClosedScoring.mmvet(grades, mmvet, output.options()), output, score.parent.console);
    }
  }
}
