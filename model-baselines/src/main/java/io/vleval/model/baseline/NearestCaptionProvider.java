package io.vleval.model.baseline;

import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.datasets.captions.KarpathyProvider;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider;
import io.vleval.preprocess.ColourLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The captioning baseline: for each image, the first caption of the most similar training image,
 * similarity being the distance between downsampled colour layouts. It knows no language, only
 * which training pictures look alike, so it shows what retrieval of pixels alone gives.
 */
public final class NearestCaptionProvider implements ModelProvider<NearestCaptionProvider.Spec> {

  /** Options: where the training captions are. */
  public record Spec(
      @Doc("Karpathy JSON with the training captions (or give synthetic_scale)") @MustExist
          Path annotations,
      @Doc("folder filepath/filename are relative to (default: the JSON's folder)") @MustExist
          Path images,
      @Doc("splits to draw captions from (default [train])") List<String> splits,
      @Doc("side of the colour-layout grid (default 8)") Integer grid,
      @Doc(
              "instead of annotations: the synthetic suite of this scale (tiny, small, medium, large), from the run's cache")
          Scale syntheticScale,
      @Doc("seed of that synthetic suite (default 0)") Long syntheticSeed) {
    public Spec {
      if ((annotations == null) == (syntheticScale == null)) {
        throw new IllegalArgumentException("give either annotations or synthetic_scale");
      }
      syntheticSeed = syntheticSeed == null ? 0L : syntheticSeed;
      splits = splits == null || splits.isEmpty() ? List.of("train") : List.copyOf(splits);
      grid = grid == null ? 8 : grid;
      if (grid < 1 || grid > 64) {
        throw new IllegalArgumentException("grid must be between 1 and 64, got " + grid);
      }
    }
  }

  @Override
  public String type() {
    return "nearest-caption";
  }

  @Override
  public String description() {
    return "captioning baseline: the caption of the training image with the nearest colour layout";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(Spec spec) {
    return Set.of(CaptionGenerator.class);
  }

  @Override
  public Model load(Spec spec, PluginContext context) {
    Path annotations = spec.annotations();
    Path imageRoot = spec.images();
    if (annotations == null) {
      Path suite =
          SyntheticDatasetProvider.ensureSuite(
              context.cacheDirectory(),
              spec.syntheticScale(),
              spec.syntheticSeed(),
              context.workers());
      annotations = suite.resolve("captions/dataset_coco.json");
      imageRoot = suite.resolve("captions");
    }
    Dataset<CaptionedImage> train =
        new KarpathyProvider()
            .open(new KarpathyProvider.Spec(annotations, imageRoot, spec.splits()), context);
    List<float[]> layouts = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    try (SampleCursor<CaptionedImage> cursor = train.samples()) {
      while (cursor.hasNext()) {
        CaptionedImage s = cursor.next();
        layouts.add(ColourLayout.of(s.image().load(), spec.grid(), spec.grid()));
        captions.add(s.captions().get(0));
      }
    }
    CaptionGenerator generator =
        (images, prompt, settings) -> {
          List<String> out = new ArrayList<>();
          for (RgbImage image : images) {
            float[] q = ColourLayout.of(image, spec.grid(), spec.grid());
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int i = 0; i < layouts.size(); i++) {
              float[] t = layouts.get(i);
              double d = 0;
              for (int k = 0; k < q.length; k++) {
                double diff = q[k] - t[k];
                d += diff * diff;
              }
              if (d < bestDistance) {
                bestDistance = d;
                best = i;
              }
            }
            out.add(captions.get(best));
          }
          return out;
        };
    ModelInfo info =
        new ModelInfo(
            "nearest-caption:" + train.info().fingerprint().substring(0, 16) + ":" + spec.grid(),
            "java",
            "cpu");
    return new Model() {
      @Override
      public Set<Class<? extends Capability>> capabilities() {
        return Set.of(CaptionGenerator.class);
      }

      @Override
      public <C extends Capability> Optional<C> capability(Class<C> type) {
        return Optional.ofNullable(
            type.cast(Map.<Class<?>, Object>of(CaptionGenerator.class, generator).get(type)));
      }

      @Override
      public ModelInfo info() {
        return info;
      }

      @Override
      public void close() {
        // plain Java memory only
      }
    };
  }
}
