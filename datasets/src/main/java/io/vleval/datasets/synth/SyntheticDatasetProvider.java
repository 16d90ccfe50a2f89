package io.vleval.datasets.synth;

import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.CaptionedVideo;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.LabelledVideo;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.Required;
import io.vleval.datasets.ade20k.Ade20kProvider;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.gqa.GqaProvider;
import io.vleval.datasets.imagefolder.ImageFolderProvider;
import io.vleval.datasets.kinetics.KineticsProvider;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import io.vleval.datasets.mme.MmeProvider;
import io.vleval.datasets.mmvet.MmvetProvider;
import io.vleval.datasets.msrvtt.MsrvttProvider;
import io.vleval.datasets.pope.PopeProvider;
import io.vleval.datasets.scienceqa.ScienceQaProvider;
import io.vleval.datasets.textvqa.TextVqaProvider;
import io.vleval.datasets.vizwiz.VizWizProvider;
import io.vleval.datasets.vqav2.Vqav2Provider;
import io.vleval.datasets.xtd.XtdProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A part of the synthetic suite, generated on first use into a cache folder and then read by the
 * real loader of its layout (so the quickstart exercises exactly the code real data goes through).
 */
public final class SyntheticDatasetProvider
    implements DatasetProvider<SyntheticDatasetProvider.Spec> {

  /** The parts of the suite, each in the layout of the public dataset it stands in for. */
  public enum Part {
    CLASSIFICATION_TRAIN(LabelledImage.class),
    CLASSIFICATION_VAL(LabelledImage.class),
    SEGMENTATION_TRAIN(SegmentationPair.class),
    SEGMENTATION_VAL(SegmentationPair.class),
    CAPTIONS_TRAIN(CaptionedImage.class),
    CAPTIONS_TEST(CaptionedImage.class),
    VIDEO_TRAIN(LabelledVideo.class),
    VIDEO_VAL(LabelledVideo.class),
    MMBENCH(MultipleChoiceQuestion.class),
    MMBENCH_TRAIN(MultipleChoiceQuestion.class),
    XTD(CaptionedImage.class),
    MSRVTT(CaptionedVideo.class),
    POPE(VisualQuestion.class),
    MME(VisualQuestion.class),
    SCIENCEQA(MultipleChoiceQuestion.class),
    VQAV2(VisualQuestion.class),
    TEXTVQA(VisualQuestion.class),
    VIZWIZ(VisualQuestion.class),
    GQA(VisualQuestion.class),
    MMVET(VisualQuestion.class);

    final Class<? extends Sample> sampleType;

    Part(Class<? extends Sample> sampleType) {
      this.sampleType = sampleType;
    }
  }

  /** Options of the synthetic suite. */
  public record Spec(
      @Doc(
              "which part: classification-train/-val, segmentation-train/-val, captions-train/-test, video-train/-val, "
                  + "mmbench, mmbench-train, xtd, msrvtt, pope, mme, scienceqa, vqav2, textvqa, vizwiz, gqa,"
                  + " mmvet")
          @Required
          Part part,
      @Doc("tiny, small, medium or large (default small)") Scale scale,
      @Doc("generator seed (default 0)") Long seed,
      @Doc(
              "language of the captions of the xtd and captions-train/-test parts: en or zh (default en)")
          String language,
      @Doc("cache folder (default: the run's cache, $VLEVAL_CACHE or ~/.cache/vleval)")
          Path cache) {
    public Spec {
      scale = scale == null ? Scale.SMALL : scale;
      seed = seed == null ? 0L : seed;
      language = language == null ? "en" : language;
      if (!List.of("en", "zh").contains(language)) {
        throw new IllegalArgumentException(
            "the synthetic suite has captions in en and zh, not '" + language + "'");
      }
    }
  }

  @Override
  public String type() {
    return "synthetic";
  }

  @Override
  public String description() {
    return "the built-in synthetic suite (shapes on textures) in the public layouts, generated on first use";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return spec.part().sampleType;
  }

  /** Where the suite of this scale and seed lives, generating it if it is not there yet. */
  public static Path ensureSuite(Path cache, Scale scale, long seed, int threads) {
    Path dir =
        cache.resolve(
            "synthetic-v"
                + SyntheticSuite.VERSION
                + "-"
                + scale.name().toLowerCase(Locale.ROOT)
                + "-seed"
                + seed);
    if (Files.isRegularFile(dir.resolve("suite.json"))) {
      return dir;
    }
    try {
      new SyntheticSuite(seed, scale).write(dir, threads);
    } catch (VlevalException e) {
      // another process may have written it meanwhile
      if (!Files.isRegularFile(dir.resolve("suite.json"))) {
        throw e;
      }
    }
    return dir;
  }

  @Override
  public Dataset<? extends Sample> open(Spec spec, PluginContext context) {
    Path suite =
        ensureSuite(
            spec.cache() != null ? spec.cache() : context.cacheDirectory(),
            spec.scale(),
            spec.seed(),
            context.workers());
    Path cls = suite.resolve("classification");
    Path ade = suite.resolve("ADEChallengeData2016");
    Path captions = suite.resolve("captions");
    Path kinetics = suite.resolve("kinetics");
    Path karpathy =
        captions.resolve(
            spec.language().equals("zh") ? "dataset_coco_zh.json" : "dataset_coco.json");
    return switch (spec.part()) {
      case CLASSIFICATION_TRAIN ->
          new ImageFolderProvider()
              .open(
                  new ImageFolderProvider.Spec(
                      cls.resolve("train"), cls.resolve("classnames.json"), null, null),
                  context);
      case CLASSIFICATION_VAL ->
          new ImageFolderProvider()
              .open(
                  new ImageFolderProvider.Spec(
                      cls.resolve("val"), cls.resolve("classnames.json"), null, null),
                  context);
      case SEGMENTATION_TRAIN ->
          new Ade20kProvider()
              .open(
                  new Ade20kProvider.Spec(
                      ade,
                      Ade20kProvider.Split.TRAINING,
                      true,
                      SyntheticSuite.segmentationClasses().size(),
                      ade.resolve("classes.txt")),
                  context);
      case SEGMENTATION_VAL ->
          new Ade20kProvider()
              .open(
                  new Ade20kProvider.Spec(
                      ade,
                      Ade20kProvider.Split.VALIDATION,
                      true,
                      SyntheticSuite.segmentationClasses().size(),
                      ade.resolve("classes.txt")),
                  context);
      case CAPTIONS_TRAIN ->
          new KarpathyProvider()
              .open(new KarpathyProvider.Spec(karpathy, captions, List.of("train")), context);
      case CAPTIONS_TEST ->
          new KarpathyProvider()
              .open(new KarpathyProvider.Spec(karpathy, captions, List.of("test")), context);
      case VIDEO_TRAIN ->
          new KineticsProvider()
              .open(
                  new KineticsProvider.Spec(
                      kinetics.resolve("train.csv"), kinetics.resolve("videos/train"), null),
                  context);
      case VIDEO_VAL ->
          new KineticsProvider()
              .open(
                  new KineticsProvider.Spec(
                      kinetics.resolve("val.csv"), kinetics.resolve("videos/val"), null),
                  context);
      case MMBENCH ->
          new MmbenchTsvProvider()
              .open(
                  new MmbenchTsvProvider.Spec(suite.resolve("mmbench/mmbench_dev_en.tsv")),
                  context);
      case MMBENCH_TRAIN ->
          new MmbenchTsvProvider()
              .open(
                  new MmbenchTsvProvider.Spec(suite.resolve("mmbench-train/mmbench_train_en.tsv")),
                  context);
      case XTD ->
          new XtdProvider()
              .open(new XtdProvider.Spec(suite.resolve("xtd"), null, spec.language()), context);
      case MSRVTT ->
          new MsrvttProvider()
              .open(
                  new MsrvttProvider.Spec(
                      suite.resolve("msrvtt/msrvtt_test1k.json"),
                      suite.resolve("msrvtt/videos/all"),
                      null),
                  context);
      case POPE ->
          new PopeProvider()
              .open(
                  new PopeProvider.Spec(
                      suite.resolve("pope/coco"), suite.resolve("pope/val2014"), null),
                  context);
      case MME ->
          new MmeProvider()
              .open(
                  new MmeProvider.Spec(suite.resolve("mme/MME_Benchmark_release_version"), null),
                  context);
      case SCIENCEQA ->
          new ScienceQaProvider()
              .open(new ScienceQaProvider.Spec(suite.resolve("scienceqa"), null, null), context);
      case VQAV2 ->
          new Vqav2Provider()
              .open(
                  new Vqav2Provider.Spec(
                      suite.resolve("vqav2/v2_OpenEnded_mscoco_val2014_questions.json"),
                      suite.resolve("vqav2/v2_mscoco_val2014_annotations.json"),
                      null,
                      null),
                  context);
      case TEXTVQA ->
          new TextVqaProvider()
              .open(
                  new TextVqaProvider.Spec(
                      suite.resolve("textvqa/TextVQA_0.5.1_val.json"), null, null),
                  context);
      case VIZWIZ ->
          new VizWizProvider()
              .open(new VizWizProvider.Spec(suite.resolve("vizwiz/val.json"), null), context);
      case GQA ->
          new GqaProvider()
              .open(
                  new GqaProvider.Spec(
                      suite.resolve("gqa/testdev_balanced_questions.json"), null, null),
                  context);
      case MMVET ->
          new MmvetProvider().open(new MmvetProvider.Spec(suite.resolve("mmvet")), context);
    };
  }
}
