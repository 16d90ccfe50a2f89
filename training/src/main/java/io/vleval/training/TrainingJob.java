package io.vleval.training;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.training.data.SyntheticTrainingData;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code vleval train} run: sets the engine's intra-op threads as the recipe asks, loads the
 * training data once per image side a stage asks for, and runs the stages, whose evaluations open
 * the recipe's datasets with the plugins on the class path and the data's cache folder.
 */
public final class TrainingJob {

  private TrainingJob() {}

  /**
   * Runs every stage of a recipe.
   *
   * @param spec the recipe
   * @param defaultCache the dataset cache when the recipe names none (also the cache the
   *     evaluations' datasets get)
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
      listener.onMessage(
          "loading the synthetic suite ("
              + spec.data().syntheticScale()
              + ", seed "
              + spec.data().syntheticSeed()
              + ")");
      // decoded once per image side the stages ask for (a chat stage may read larger images,
      // 'image_size')
      Map<Integer, TrainingData> bySize = new HashMap<>();
      return new Training(
              spec,
              size ->
                  bySize.computeIfAbsent(
                      size, s -> SyntheticTrainingData.load(spec.data(), defaultCache, workers, s)),
              spec.train().out(),
              listener)
          .withPlugins(
              PluginRegistry.discover(TrainingJob.class.getClassLoader()),
              spec.data().cache() != null ? spec.data().cache() : defaultCache)
          .run(resume);
    } finally {
      JniUtils.setNumThreads(previousThreads);
    }
  }
}
