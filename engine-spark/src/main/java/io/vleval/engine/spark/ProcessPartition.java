package io.vleval.engine.spark;

import io.vleval.core.run.RemoteOutcome;
import io.vleval.core.run.RowWork;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;

/** The executor's side of one partition: its slice of sample ids in, their outcomes out. */
final class ProcessPartition implements FlatMapFunction<Iterator<List<String>>, RemoteOutcome> {
  private static final long serialVersionUID = 1L;

  private final String configFile;
  private final String configSha256;
  private final RowWork work;

  ProcessPartition(String configFile, String configSha256, RowWork work) {
    this.configFile = configFile;
    this.configSha256 = configSha256;
    this.work = work;
  }

  @Override
  public Iterator<RemoteOutcome> call(Iterator<List<String>> slices) {
    List<String> list = new ArrayList<>();
    slices.forEachRemaining(list::addAll);
    if (list.isEmpty()) {
      return List.<RemoteOutcome>of().iterator();
    }
    return ExecutorCache.process(configFile, configSha256, work, list).iterator();
  }
}
