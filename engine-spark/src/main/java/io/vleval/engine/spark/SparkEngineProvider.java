package io.vleval.engine.spark;

import io.vleval.api.error.VlevalException;
import io.vleval.core.run.RemoteEngine;
import io.vleval.core.run.RemoteEngineProvider;
import java.nio.file.Path;

/**
 * {@code vleval run --engine spark}: found by {@link java.util.ServiceLoader}, it touches no Spark
 * class until {@link #start}, so a jar without Spark beside it still lists and loads it.
 */
public final class SparkEngineProvider implements RemoteEngineProvider {

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public RemoteEngine start(Path configFile, String master) {
    try {
      Class.forName("org.apache.spark.SparkContext", false, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new VlevalException(
          "--engine spark: Spark is not on the class path (bin/vleval adds it from $SPARK_HOME/jars"
              + " or engine-spark/target/spark-lib; under spark-submit it is there already)",
          e);
    }
    return SparkEngine.start(configFile, master);
  }
}
