package io.vleval.cli;

import io.vleval.cli.ScoreCommand.Input;
import io.vleval.cli.ScoreCommand.Output;
import io.vleval.tasks.vqa.GqaMatch;
import io.vleval.tasks.vqa.VqaScorer;
import io.vleval.tasks.vqa.VqaScoring;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval score vqav2|textvqa|vizwiz|gqa}: the VQA family's accuracy from the benchmark's
 * annotation file and the predictions file its official scorer reads (formats: tasks/README.md).
 */
final class VqaScoreCommands {
  private VqaScoreCommands() {}

  static final String SCORERS = "vqa-2016, vqa-2021, m4c, vizwiz, evalai+vqa-2021, evalai+vizwiz";

  static VqaScorer scorer(String id, Object command) {
    try {
      return VqaScorer.byId(id);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(command), "--scorer: " + e.getMessage());
    }
  }

  @Command(
      name = "vqav2",
      mixinStandardHelpOptions = true,
      description =
          "VQAv2 accuracy (VQA API), from the VQA results JSON and the annotations JSON; per answer type.")
  static final class Vqav2 implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "RESULTS",
        description = "VQA results JSON: [{\"question_id\": 1, \"answer\": \"...\"}, ...].")
    Path results;

    @Parameters(
        index = "1",
        paramLabel = "ANNOTATIONS",
        description = "v2_mscoco_<subtype>_annotations.json.")
    Path annotations;

    @Option(
        names = "--scorer",
        defaultValue = "vqa-2021",
        description = "One of " + SCORERS + " (default ${DEFAULT-VALUE}: the VQA API).")
    String scorer;

    @Mixin Output output;

    @Override
    public Integer call() {
      VqaScorer s = scorer(scorer, this);
      ScoreCommand.checkInputs(
          Input.file(results, "RESULTS", "a VQA results JSON file"),
          Input.file(annotations, "ANNOTATIONS", "the VQAv2 annotations JSON file"));
      return ScoreCommand.print(
          VqaScoring.vqav2(results, annotations, s, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "textvqa",
      mixinStandardHelpOptions = true,
      description =
          "TextVQA accuracy (m4c evaluator), from a results JSON and TextVQA_0.5.1_<split>.json.")
  static final class TextVqa implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "RESULTS",
        description = "Results JSON: [{\"question_id\": 1, \"answer\": \"...\"}, ...].")
    Path results;

    @Parameters(index = "1", paramLabel = "ANNOTATIONS", description = "TextVQA_0.5.1_val.json.")
    Path annotations;

    @Option(
        names = "--scorer",
        defaultValue = "m4c",
        description = "One of " + SCORERS + " (default ${DEFAULT-VALUE}).")
    String scorer;

    @Mixin Output output;

    @Override
    public Integer call() {
      VqaScorer s = scorer(scorer, this);
      ScoreCommand.checkInputs(
          Input.file(results, "RESULTS", "a results JSON file"),
          Input.file(annotations, "ANNOTATIONS", "the TextVQA JSON file"));
      return ScoreCommand.print(
          VqaScoring.textvqa(results, annotations, s, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "vizwiz",
      mixinStandardHelpOptions = true,
      description =
          "VizWiz accuracy (VizWiz's scorer), from its submission JSON and <split>.json; per answer type.")
  static final class VizWiz implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "RESULTS",
        description = "[{\"image\": \"VizWiz_val_00000000.jpg\", \"answer\": \"...\"}, ...].")
    Path results;

    @Parameters(index = "1", paramLabel = "ANNOTATIONS", description = "VizWiz val.json.")
    Path annotations;

    @Option(
        names = "--scorer",
        defaultValue = "vizwiz",
        description = "One of " + SCORERS + " (default ${DEFAULT-VALUE}).")
    String scorer;

    @Mixin Output output;

    @Override
    public Integer call() {
      VqaScorer s = scorer(scorer, this);
      ScoreCommand.checkInputs(
          Input.file(results, "RESULTS", "a VizWiz results JSON file"),
          Input.file(annotations, "ANNOTATIONS", "the VizWiz annotations JSON file"));
      return ScoreCommand.print(
          VqaScoring.vizwiz(results, annotations, s, output.options()),
          output,
          score.parent.console);
    }
  }

  @Command(
      name = "gqa",
      mixinStandardHelpOptions = true,
      description =
          "GQA accuracy (eval.py), from its predictions JSON and <split>_questions.json; binary, open, per type.")
  static final class Gqa implements Callable<Integer> {
    @ParentCommand ScoreCommand score;

    @Parameters(
        index = "0",
        paramLabel = "PREDICTIONS",
        description = "[{\"questionId\": \"...\", \"prediction\": \"...\"}, ...].")
    Path predictions;

    @Parameters(
        index = "1",
        paramLabel = "QUESTIONS",
        description = "testdev_balanced_questions.json.")
    Path questions;

    @Option(
        names = "--llava",
        description =
            "Apply LLaVA's convert_gqa_for_eval.py (rstrip('.').lower()) to raw replies first.")
    boolean llava;

    @Mixin Output output;

    @Override
    public Integer call() {
      ScoreCommand.checkInputs(
          Input.file(predictions, "PREDICTIONS", "a GQA predictions JSON file"),
          Input.file(questions, "QUESTIONS", "the GQA questions JSON file"));
      return ScoreCommand.print(
          VqaScoring.gqa(
              predictions, questions, llava ? GqaMatch.LLAVA : GqaMatch.EXACT, output.options()),
          output,
          score.parent.console);
    }
  }
}
