package io.vleval.engine.spark;

import io.vleval.api.error.VlevalException;
import io.vleval.core.run.RemoteEngine;
import io.vleval.core.run.RemoteOutcome;
import io.vleval.core.run.RowWork;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the pending samples of each result row to Spark's executors in partitions and collects
 * their records; the driver (the runner) writes them. A task Spark retries (an executor lost, a
 * task failed) processes its partition again, and the runner keeps each sample's first outcome.
 */
final class SparkEngine implements RemoteEngine {

  /**
   * Batches (of the task's batch size) per partition; by default about four partitions per task
   * slot.
   */
  static final String PARTITION_BATCHES = "spark.vleval.partitionBatches";

  private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);

  private final JavaSparkContext spark;
  private final String configFile;
  private final String configSha256;
  private final int partitionBatches;

  private SparkEngine(JavaSparkContext spark, String configFile, String configSha256) {
    this.spark = spark;
    this.configFile = configFile;
    this.configSha256 = configSha256;
    this.partitionBatches = spark.getConf().getInt(PARTITION_BATCHES, 0);
  }

  static SparkEngine start(Path configFile, String master) {
    Path config = configFile.toAbsolutePath().normalize();
    String sha = ExecutorCache.configSha256(config);
    // spark-submit and --conf settings arrive as spark.* system properties, which SparkConf reads
    SparkConf conf = new SparkConf().setAppName("vleval " + config.getFileName());
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    // PyTorch's OpenMP workers sleep instead of spinning while they wait, as bin/vleval sets
    if (!conf.contains("spark.executorEnv.OMP_WAIT_POLICY")) {
      conf.setExecutorEnv("OMP_WAIT_POLICY", "PASSIVE");
    }
    boolean local = conf.get("spark.master").startsWith("local");
    if (!local && !conf.contains("spark.jars")) {
      // executors need vleval's classes: the driver's own jars, served by the driver
      conf.setJars(vlevalJars());
    }
    LOG.info("starting Spark ({}), run config {}", conf.get("spark.master"), config);
    return new SparkEngine(new JavaSparkContext(conf), config.toString(), sha);
  }

  /** The class path's jars except Spark's own (which every executor already has). */
  private static String[] vlevalJars() {
    List<String> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name =
          Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
      if (entry.endsWith(".jar") && !isSparkJar(entry, name)) {
        jars.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return jars.toArray(new String[0]);
  }

  private static boolean isSparkJar(String entry, String name) {
    String sparkHome = System.getenv("SPARK_HOME");
    return entry.contains("/spark-lib/")
        || (sparkHome != null && entry.startsWith(Path.of(sparkHome, "jars").toString()))
        || name.startsWith("spark-");
  }

  @Override
  public List<RemoteOutcome> process(RowWork work, List<String> pendingIds) {
    int slots = Math.max(1, spark.defaultParallelism());
    int batch = Math.max(1, work.batchSize());
    int batches = (pendingIds.size() + batch - 1) / batch;
    int perPartition =
        partitionBatches > 0
            ? partitionBatches
            : Math.max(1, (batches + 4 * slots - 1) / (4 * slots));
    // whole batches of the local engine's cut, so that every record comes from the same batch
    List<List<String>> slices = new ArrayList<>();
    for (int from = 0; from < pendingIds.size(); from += perPartition * batch) {
      int to = Math.min(pendingIds.size(), from + perPartition * batch);
      slices.add(new ArrayList<>(pendingIds.subList(from, to)));
    }
    int partitions = slices.size();
    LOG.info(
        String.format(
            Locale.ROOT,
            "%s on %s: %d samples in %d partitions",
            work.row(),
            work.model(),
            pendingIds.size(),
            partitions));
    spark.setJobDescription(work.model() + " / " + work.row());
    try {
      return spark
          .parallelize(slices, partitions)
          .mapPartitions(new ProcessPartition(configFile, configSha256, work))
          .collect();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Scala declares no checked exceptions: a failed job's SparkException arrives undeclared
      throw new VlevalException(
          work.row() + " on " + work.model() + ": the Spark job failed: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? e.getMessage() : t.getMessage();
  }

  @Override
  public void close() {
    spark.close();
  }
}
