package io.vleval.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.vleval.api.plugin.PluginContext;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.TrainingDatasets;
import io.vleval.training.data.TrainingInputs;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code vleval train} run: sets the engine's intra-op threads as the recipe asks, opens each
 * stage's data through the registry's dataset loaders, and runs the stages, whose evaluations open
 * the recipe's datasets with the same plugins and cache folder.
 */
public final class TrainingJob {

  private TrainingJob() {}

  /**
   * Runs every stage of a recipe.
   *
   * @param spec the recipe
   * @param defaultCache the dataset cache (where the synthetic suite is generated, among others)
   * @param resume whether to skip finished stages and continue an interrupted one
   * @param listener progress
   * @return each stage's outcome, in order
   */
  public static List<Training.StageOutcome> run(
      TrainSpec spec, Path defaultCache, boolean resume, TrainingListener listener) {
    Engine.getEngine("PyTorch");
    int previousThreads = JniUtils.getNumThreads();
    if (spec.train().threads() > 0) {
      // set on the live engine: the system property only counts before the engine starts, and a
      // training run is reproducible only at a fixed intra-op thread count
      JniUtils.setNumThreads(spec.train().threads());
    }
    try {
      int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
      PluginRegistry registry = PluginRegistry.discover(TrainingJob.class.getClassLoader());
      TrainingDatasets datasets =
          new TrainingDatasets(
              spec, registry, new PluginContext(spec.train().seed(), defaultCache, workers));
      return new Training(
              spec,
              new TrainingInputs(datasets, ImagePixels.defaultCapacity(), listener::onMessage),
              spec.train().out(),
              listener)
          .withPlugins(registry, defaultCache)
          .run(resume);
    } finally {
      JniUtils.setNumThreads(previousThreads);
    }
  }
}
