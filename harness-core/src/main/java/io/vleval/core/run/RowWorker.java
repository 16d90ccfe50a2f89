package io.vleval.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskSession;
import io.vleval.core.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The worker side of a {@link RemoteEngine}: one result row's datasets and task session on a model
 * the worker already holds, opened once and kept for every set of samples the worker is sent. It
 * processes samples exactly as the local engine does (same session seed, same batches of the task's
 * batch size, same {@code on_error} handling) and returns each as the JSON line the local engine
 * would have written.
 *
 * <p>Calls to {@link #process} are serialized: a task session is not required to be thread-safe, so
 * a worker JVM runs one batch at a time with all its intra-op threads.
 */
public final class RowWorker implements AutoCloseable {

  private final RunConfig config;
  private final TaskEntry entry;
  private final String datasetName;
  private final Dataset<?> evaluation;
  private final TaskSession<?, ?> first;
  private final TaskSession<?, ?> session;
  private final Judges judges;
  private final ObjectMapper lines = ResultFiles.lineMapper();

  private RowWorker(
      RunConfig config,
      TaskEntry entry,
      String datasetName,
      Dataset<?> evaluation,
      TaskSession<?, ?> first,
      TaskSession<?, ?> session,
      Judges judges) {
    this.config = config;
    this.entry = entry;
    this.datasetName = datasetName;
    this.evaluation = evaluation;
    this.first = first;
    this.session = session;
    this.judges = judges;
  }

  /**
   * Loads a model entry of {@code config}, as the local engine does.
   *
   * @param modelName the model entry's name
   * @return the loaded model, closed by the caller
   */
  public static Model loadModel(PluginRegistry registry, RunConfig config, String modelName) {
    return loadModel(registry, config, modelName, UnaryOperator.identity());
  }

  /**
   * Loads a model entry of {@code config} with its options adjusted by the worker, e.g. to the
   * devices the worker was given.
   *
   * @param options turns the entry's bound options into those to load with (same record type)
   * @return the loaded model, closed by the caller
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Model loadModel(
      PluginRegistry registry, RunConfig config, String modelName, UnaryOperator<Record> options) {
    ModelEntry m = modelEntry(config, modelName);
    ModelProvider provider = registry.model(m.type());
    return provider.load(options.apply(m.spec()), context(config));
  }

  /**
   * Opens the datasets of {@code work}'s row and starts its task session on {@code model}, with the
   * seed the local engine gives it: every worker's session is the same. A task that names a judge
   * gets it here too, loaded by this worker (tasks may consult it while they process samples) and
   * closed with the worker.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static RowWorker open(
      PluginRegistry registry, RunConfig config, RowWork work, Model model) {
    ModelEntry modelEntry = modelEntry(config, work.model());
    TaskEntry entry =
        config.tasks().stream()
            .filter(t -> t.name().equals(work.task()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no task '" + work.task() + "' in the run's config"));
    PluginContext context = context(config);
    Map<String, Dataset<?>> opened = new LinkedHashMap<>();
    Dataset<?> evaluation = open(registry, config, entry.dataset(), context, opened);
    Optional<Dataset<?>> training =
        entry.trainDataset() == null
            ? Optional.empty()
            : Optional.of(open(registry, config, entry.trainDataset(), context, opened));
    List<Dataset<?>> further = new ArrayList<>();
    for (String name : entry.evalDatasets()) {
      further.add(open(registry, config, name, context, opened));
    }
    TaskProvider provider = registry.task(entry.type());
    Task task = provider.create(entry.spec());
    Judges judges = Judges.load(registry, config, List.of(entry), context);
    TaskSession first;
    try {
      first =
          Runner.startSession(
              task,
              model,
              config,
              entry,
              evaluation,
              training,
              further,
              Runner.seed(config, entry, modelEntry),
              judges.forTask(entry));
    } catch (RuntimeException e) {
      judges.close();
      throw e;
    }
    if (work.dataset().equals(entry.dataset())) {
      return new RowWorker(config, entry, work.dataset(), evaluation, null, first, judges);
    }
    Dataset<?> other = opened.get(work.dataset());
    if (other == null || !entry.evalDatasets().contains(work.dataset())) {
      first.close();
      judges.close();
      throw new IllegalArgumentException(
          "task '" + work.task() + "' does not evaluate dataset '" + work.dataset() + "'");
    }
    return new RowWorker(
        config, entry, work.dataset(), other, first, first.on(other.info()), judges);
  }

  /**
   * Processes the samples {@code ids} of the row in dataset order, in batches of the task's batch
   * size.
   *
   * @return one outcome per sample found; ids the dataset does not list are left out
   */
  public synchronized List<RemoteOutcome> process(Collection<String> ids) {
    Set<String> wanted = new HashSet<>(ids);
    OnError onError = config.dataset(datasetName).onError();
    List<RemoteOutcome> out = new ArrayList<>(wanted.size());
    Runner.BatchSink sink =
        new Runner.BatchSink() {
          @Override
          public void records(List<SampleRecord> records) {
            for (SampleRecord r : records) {
              out.add(new RemoteOutcome(r.sampleId(), line(r), null));
            }
          }

          @Override
          public void error(SampleError error) {
            out.add(new RemoteOutcome(error.sampleId(), null, line(error)));
          }
        };
    int workers = config.run().workers();
    int found = 0;
    try (Prefetcher pipeline =
        new Prefetcher(
            evaluation.samples(),
            id -> !wanted.contains(id),
            entry.batchSize(),
            workers,
            Math.max(2, workers))) {
      List<Prefetcher.Entry> entries;
      while (found < wanted.size() && (entries = pipeline.next()) != null) {
        List<Sample> batch = new ArrayList<>();
        for (Prefetcher.Entry e : entries) {
          // listing errors and samples of other partitions are the driver's or another worker's
          if (e.listingError() == null && e.sample() != null && wanted.contains(e.id())) {
            batch.add(Prefetcher.await(e));
          }
        }
        if (!batch.isEmpty()) {
          Runner.processBatch(session, batch, onError, sink);
          found += batch.size();
        }
      }
    }
    return out;
  }

  private String line(Object record) {
    try {
      return lines.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new VlevalException("cannot encode a per-sample record: " + e.getMessage(), e);
    }
  }

  private static ModelEntry modelEntry(RunConfig config, String name) {
    return config.models().stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no model '" + name + "' in the run's config"));
  }

  private static PluginContext context(RunConfig config) {
    return new PluginContext(config.run().seed(), config.run().cache(), config.run().workers());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Dataset<?> open(
      PluginRegistry registry,
      RunConfig config,
      String name,
      PluginContext context,
      Map<String, Dataset<?>> opened) {
    return opened.computeIfAbsent(
        name,
        n -> {
          DatasetEntry d = config.dataset(n);
          DatasetProvider provider = registry.dataset(d.type());
          return (Dataset<?>) provider.open(d.spec(), context);
        });
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      try {
        if (first != null) {
          first.close();
        }
      } finally {
        judges.close();
      }
    }
  }
}
