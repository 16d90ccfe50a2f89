package io.vleval.engine.spark;

import io.vleval.api.config.RunConfig;
import io.vleval.api.model.Model;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.config.NormalizedConfig;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.run.RemoteOutcome;
import io.vleval.core.run.RowWork;
import io.vleval.core.run.RowWorker;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM keeps between partitions: the run's config, the model it is working on and
 * the task sessions of that model's rows, each loaded or started once. A partition of another
 * model's row, or one whose Spark task was given other GPUs, closes the model before the next
 * loads, so an executor holds one model at a time.
 */
final class ExecutorCache {

  static final String INTRA_OP = "ai.djl.pytorch.num_threads";
  static final String INTER_OP = "ai.djl.pytorch.num_interop_threads";

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

  private static String modelKey;
  private static PluginRegistry registry;
  private static RunConfig config;
  private static Model model;
  private static final Map<String, RowWorker> ROWS = new LinkedHashMap<>();

  private ExecutorCache() {}

  /** The normalized hash of the config at {@code file}, as the run directory records it. */
  static String configSha256(Path file) {
    PluginRegistry plugins =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    return NormalizedConfig.of(new ConfigLoader(plugins).load(file)).sha256();
  }

  /**
   * Processes one partition's samples; synchronized, as the executor runs one batch at a time with
   * all its threads (a task session need not be thread-safe).
   */
  static synchronized List<RemoteOutcome> process(
      String configFile, String configSha256, RowWork work, List<String> ids) {
    // GPUs from Spark's resource scheduling replace the config's device; the model is loaded again
    // when a task brings other devices
    String devices = TaskDevices.ofCurrentTask();
    String key =
        configFile + "\u0000" + configSha256 + "\u0000" + work.model() + "\u0000" + devices;
    if (!key.equals(modelKey)) {
      release();
      configureThreads();
      registry = PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
      config = new ConfigLoader(registry).load(Path.of(configFile));
      String sha = NormalizedConfig.of(config).sha256();
      if (!sha.equals(configSha256)) {
        throw new IllegalStateException(
            configFile
                + ": this executor reads a different config than the driver (config hash "
                + sha.substring(0, 12)
                + "... here, "
                + configSha256.substring(0, 12)
                + "... on the driver); the run directory and config must be on a shared"
                + " filesystem");
      }
      LOG.info(
          "executor loading model '{}'{}",
          work.model(),
          devices == null ? "" : " on the task's GPUs " + devices);
      model =
          RowWorker.loadModel(
              registry, config, work.model(), spec -> TaskDevices.withDevice(spec, devices));
      modelKey = key;
    }
    String rowKey = work.task() + "\u0000" + work.row() + "\u0000" + work.dataset();
    RowWorker row = ROWS.get(rowKey);
    if (row == null) {
      row = RowWorker.open(registry, config, work, model);
      ROWS.put(rowKey, row);
    }
    return row.process(ids);
  }

  /**
   * Gives PyTorch this executor's cores, once, before its engine starts: several executors on one
   * host then divide its cores instead of each starting a thread per core (oversubscribed, a run is
   * many times slower). An explicit {@code -Dai.djl.pytorch.num_threads} in {@code
   * spark.executor.extraJavaOptions} wins.
   */
  private static void configureThreads() {
    if (System.getProperty(INTRA_OP) != null) {
      return;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    SparkEnv env = SparkEnv.get();
    if (env != null && env.conf().contains("spark.executor.cores")) {
      cores = Math.min(cores, env.conf().getInt("spark.executor.cores", cores));
    }
    System.setProperty(INTRA_OP, Integer.toString(Math.max(1, cores)));
    if (System.getProperty(INTER_OP) == null) {
      System.setProperty(INTER_OP, "1");
    }
    LOG.info("executor: PyTorch intra-op threads {}", cores);
  }

  private static void release() {
    RuntimeException failure = null;
    for (RowWorker row : ROWS.values()) {
      try {
        row.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    ROWS.clear();
    if (model != null) {
      try {
        model.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    model = null;
    modelKey = null;
    if (failure != null) {
      throw failure;
    }
  }
}
