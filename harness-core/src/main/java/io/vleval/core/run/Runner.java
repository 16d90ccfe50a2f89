package io.vleval.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.config.ReporterEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.error.VlevalException;
import io.vleval.api.files.AtomicFiles;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.result.DatasetProvenance;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.result.Provenance;
import io.vleval.api.result.RunResult;
import io.vleval.api.result.TaskResult;
import io.vleval.api.result.TaskStatus;
import io.vleval.api.result.TaskTiming;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.Judge;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import io.vleval.core.config.NormalizedConfig;
import io.vleval.core.gate.GateEvaluator;
import io.vleval.core.gate.GateInput;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.provenance.HarnessVersion;
import io.vleval.results.GateReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated config: for each model, each task that applies to it streams its dataset in
 * batches, appending per-sample records to the run directory as they complete; then metrics, {@code
 * results.json} and {@code results.csv} (both written atomically), then the gates of the config's
 * {@code gates:} section ({@code gates.json}), then reporters (which may show the gates).
 *
 * <p>With {@link RunOptions#resume()}, samples already recorded are not recomputed, and a config
 * whose normalized hash differs from the interrupted run's is refused.
 */
public final class Runner {

  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
  private static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final PluginRegistry registry;
  private final RunListener listener;
  private final ObjectMapper lines = ResultFiles.lineMapper();
  private final RemoteEngine remote;

  public Runner(PluginRegistry registry, RunListener listener) {
    this(registry, listener, null);
  }

  /**
   * A runner whose per-sample work goes to {@code remote}; everything else stays here.
   *
   * @param remote the engine that processes samples, or {@code null} to process them in this JVM
   */
  public Runner(PluginRegistry registry, RunListener listener, RemoteEngine remote) {
    this.registry = registry;
    this.listener = listener;
    this.remote = remote;
  }

  /**
   * Runs {@code config} and returns its result; gates, if any, are evaluated and written but not
   * returned.
   */
  public RunResult run(RunConfig config, RunOptions options) {
    return execute(config, options).result();
  }

  /** Runs {@code config} and returns its result with the outcome of its gates. */
  public RunOutcome execute(RunConfig config, RunOptions options) {
    // read the baseline first: a broken baseline should stop the run before hours of work, not
    // after
    GateInput baseline =
        config.gates().isEmpty() || config.gates().baseline() == null
            ? null
            : GateInput.read(config.gates().baseline());
    NormalizedConfig normalized = NormalizedConfig.of(config);
    Instant started = Instant.now();
    Path runDir = prepareRunDirectory(config, options, normalized, started);
    Path cache = config.run().cache();
    List<TaskResult> results = new ArrayList<>();
    List<ModelProvenance> modelProvenance = new ArrayList<>();
    Map<String, DatasetProvenance> datasetProvenance = new LinkedHashMap<>();
    int taskRuns = 0;
    for (ModelEntry m : config.models()) {
      for (TaskEntry t : tasksFor(config, m)) {
        taskRuns += 1 + t.evalDatasets().size();
      }
    }
    listener.runStarted(runDir, taskRuns);
    Map<String, Dataset<?>> opened = new LinkedHashMap<>();
    PluginContext context =
        new PluginContext(config.run().seed(), cache, config.run().workers(), runDir);
    List<ModelProvenance> judgeProvenance;
    // judges load before any model (a judge that cannot load stops the run before hours of work)
    // and stay loaded until every task has run
    try (Judges judges = Judges.load(registry, config, judgedTasks(config), context)) {
      evaluate(
          config, runDir, context, opened, judges, results, modelProvenance, datasetProvenance);
      judgeProvenance = judges.provenance();
    }
    Provenance provenance =
        new Provenance(
            HarnessVersion.get(),
            System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
            System.getProperty("os.name") + " " + System.getProperty("os.arch"),
            config.run().seed(),
            modelProvenance,
            new ArrayList<>(datasetProvenance.values()),
            judgeProvenance);
    RunResult result =
        new RunResult(
            RunResult.SCHEMA_VERSION,
            runDir.getFileName().toString(),
            config.run().name(),
            startedAt(runDir, started).toString(),
            Instant.now().toString(),
            normalized.yaml(),
            normalized.sha256(),
            provenance,
            results);
    ResultFiles.writeJson(result, runDir);
    ResultFiles.writeCsv(result, runDir);
    GateReport gates = null;
    if (!config.gates().isEmpty()) {
      gates =
          GateEvaluator.evaluate(
              config.gates(),
              GateInput.of(result),
              baseline,
              config.gates().baseline() == null ? null : config.gates().baseline().toString());
      ResultFiles.writeGates(gates, runDir);
    }
    for (ReporterEntry r : config.reporters()) {
      report(registry.reporter(r.type()), r.spec(), result, runDir);
    }
    return new RunOutcome(result, runDir, gates);
  }

  /** Every model in turn: loaded, every task that applies to it run, closed. */
  private void evaluate(
      RunConfig config,
      Path runDir,
      PluginContext context,
      Map<String, Dataset<?>> opened,
      Judges judges,
      List<TaskResult> results,
      List<ModelProvenance> modelProvenance,
      Map<String, DatasetProvenance> datasetProvenance) {
    for (ModelEntry modelEntry : config.models()) {
      List<TaskEntry> tasks = tasksFor(config, modelEntry);
      if (tasks.isEmpty()) {
        continue;
      }
      LOG.info("loading model '{}' ({})", modelEntry.name(), modelEntry.type());
      long modelStart = System.nanoTime();
      long modelCpuStart = ProcessUsage.cpuNanos();
      try (Model model = loadModel(modelEntry, context)) {
        modelProvenance.add(
            new ModelProvenance(
                modelEntry.name(),
                modelEntry.type(),
                model.info().checksum(),
                model.info().engine(),
                model.info().device()));
        for (TaskEntry task : tasks) {
          Dataset<?> evaluation =
              opened.computeIfAbsent(task.dataset(), n -> openDataset(config.dataset(n), context));
          record(datasetProvenance, config.dataset(task.dataset()), evaluation);
          Optional<Dataset<?>> training = Optional.empty();
          if (task.trainDataset() != null) {
            Dataset<?> train =
                opened.computeIfAbsent(
                    task.trainDataset(), n -> openDataset(config.dataset(n), context));
            record(datasetProvenance, config.dataset(task.trainDataset()), train);
            training = Optional.of(train);
          }
          Map<String, Dataset<?>> further = new LinkedHashMap<>();
          for (String name : task.evalDatasets()) {
            Dataset<?> d =
                opened.computeIfAbsent(name, n -> openDataset(config.dataset(n), context));
            record(datasetProvenance, config.dataset(name), d);
            further.put(name, d);
          }
          results.addAll(
              runTask(
                  config,
                  task,
                  modelEntry,
                  model,
                  evaluation,
                  training,
                  further,
                  runDir,
                  judges.forTask(task)));
        }
      }
      // after close: what the model leaves behind shows as growth from one model to the next
      logModelDone(
          modelEntry, System.nanoTime() - modelStart, ProcessUsage.cpuNanos() - modelCpuStart);
    }
  }

  /** The tasks that name a judge and run on at least one model. */
  private static List<TaskEntry> judgedTasks(RunConfig config) {
    return config.tasks().stream()
        .filter(t -> t.judge() != null)
        .filter(t -> config.models().stream().anyMatch(m -> tasksFor(config, m).contains(t)))
        .toList();
  }

  private static void logModelDone(ModelEntry model, long nanos, long cpuNanos) {
    if (LOG.isDebugEnabled()) {
      OptionalLong rss = ProcessUsage.residentBytes();
      LOG.debug(
          String.format(
              Locale.ROOT,
              "model '%s' done in %.2f s (loaded, evaluated, closed; process CPU %.2f s); resident"
                  + " memory %s",
              model.name(),
              nanos / 1e9,
              cpuNanos / 1e9,
              rss.isPresent() ? (rss.getAsLong() >> 20) + " MiB" : "unknown"));
    }
  }

  private static List<TaskEntry> tasksFor(RunConfig config, ModelEntry model) {
    return config.tasks().stream()
        .filter(t -> t.models().isEmpty() || t.models().contains(model.name()))
        .toList();
  }

  private static void record(
      Map<String, DatasetProvenance> out, DatasetEntry entry, Dataset<?> dataset) {
    out.computeIfAbsent(
        entry.name(),
        n ->
            new DatasetProvenance(
                n,
                entry.type(),
                dataset.info().fingerprint(),
                dataset.info().size(),
                dataset.info().location(),
                dataset.info().warnings()));
  }

  private Path prepareRunDirectory(
      RunConfig config, RunOptions options, NormalizedConfig normalized, Instant started) {
    Path dir =
        options.runDirectory() != null
            ? options.runDirectory().toAbsolutePath().normalize()
            : config.run().out().resolve(config.run().name() + "-" + RUN_ID.format(started));
    Path hashFile = dir.resolve("config.sha256");
    try {
      if (options.resume()) {
        if (!Files.exists(hashFile)) {
          throw new VlevalException(
              dir + ": nothing to resume (no config.sha256; was a run started there?)");
        }
        String previous = Files.readString(hashFile, StandardCharsets.UTF_8).strip();
        if (!previous.equals(normalized.sha256())) {
          throw new VlevalException(
              dir
                  + ": the config changed since this run started (config hash "
                  + previous.substring(0, 12)
                  + "... then, "
                  + normalized.sha256().substring(0, 12)
                  + "... now); start a new run instead of resuming");
        }
        Files.deleteIfExists(dir.resolve(ResultFiles.JSON));
        Files.deleteIfExists(dir.resolve(ResultFiles.CSV));
        Files.deleteIfExists(dir.resolve(ResultFiles.GATES));
        return dir;
      }
      if (Files.exists(hashFile) || Files.exists(dir.resolve(ResultFiles.JSON))) {
        throw new VlevalException(
            dir + ": already holds a run; use --resume to continue it or choose another --out");
      }
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve("config.yaml"), normalized.yaml());
      AtomicFiles.write(dir.resolve("started-at"), started.toString() + "\n");
      AtomicFiles.write(hashFile, normalized.sha256() + "\n");
      return dir;
    } catch (IOException e) {
      throw new VlevalException(dir + ": cannot prepare the run directory: " + e.getMessage(), e);
    }
  }

  private static Instant startedAt(Path runDir, Instant fallback) {
    try {
      return Instant.parse(Files.readString(runDir.resolve("started-at")).strip());
    } catch (IOException | DateTimeParseException e) {
      return fallback;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Model loadModel(ModelEntry entry, PluginContext context) {
    ModelProvider provider = registry.model(entry.type());
    return provider.load(entry.spec(), context);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Dataset<?> openDataset(DatasetEntry entry, PluginContext context) {
    DatasetProvider provider = registry.dataset(entry.type());
    LOG.info("opening dataset '{}' ({})", entry.name(), entry.type());
    return provider.open(entry.spec(), context);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void report(
      ReporterProvider provider, Record spec, RunResult result, Path runDir) {
    provider.report(spec, result, runDir);
  }

  /**
   * Runs one task entry on one model: its own dataset, then each of its {@code eval_datasets}
   * through a session derived from the first (one preparation, one trained head), a result row
   * each.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<TaskResult> runTask(
      RunConfig config,
      TaskEntry entry,
      ModelEntry modelEntry,
      Model model,
      Dataset<?> evaluation,
      Optional<Dataset<?>> training,
      Map<String, Dataset<?>> further,
      Path runDir,
      Optional<Judge> judge) {
    TaskProvider provider = registry.task(entry.type());
    Task task = provider.create(entry.spec());
    long seed = seed(config, entry, modelEntry);
    long t0 = System.nanoTime();
    List<TaskResult> rows = new ArrayList<>();
    try (PhaseTimer.Scope timing = new PhaseTimer().install();
        TaskSession session =
            startSession(
                task, model, config, entry, evaluation, training, further.values(), seed, judge)) {
      rows.add(
          stream(
              config,
              task,
              session,
              entry,
              entry.name(),
              entry.dataset(),
              modelEntry,
              evaluation,
              runDir,
              t0,
              timing.timer()));
      listener.taskFinished(rows.get(0));
      for (Map.Entry<String, Dataset<?>> d : further.entrySet()) {
        long t1 = System.nanoTime();
        try (PhaseTimer.Scope rowTiming = new PhaseTimer().install();
            TaskSession other = session.on(d.getValue().info())) {
          rows.add(
              stream(
                  config,
                  task,
                  other,
                  entry,
                  entry.rowName(d.getKey()),
                  d.getKey(),
                  modelEntry,
                  d.getValue(),
                  runDir,
                  t1,
                  rowTiming.timer()));
        }
        listener.taskFinished(rows.get(rows.size() - 1));
      }
    }
    return rows;
  }

  /** The seed of one task entry on one model, the same in every JVM that runs it. */
  static long seed(RunConfig config, TaskEntry entry, ModelEntry modelEntry) {
    return mix(config.run().seed(), entry.name(), modelEntry.name());
  }

  /** Starts a task entry's session on its evaluation dataset, as every engine does. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static TaskSession startSession(
      Task task,
      Model model,
      RunConfig config,
      TaskEntry entry,
      Dataset<?> evaluation,
      Optional<Dataset<?>> training,
      Collection<Dataset<?>> further,
      long seed,
      Optional<Judge> judge) {
    return task.start(
        TimedModel.of(model),
        new TaskContext(
            evaluation.info(),
            training,
            seed,
            config.run().cache(),
            entry.batchSize(),
            config.run().seed(),
            further.stream().map(d -> d.info()).toList(),
            judge));
  }

  /** Streams one dataset through a session and scores it: one result row. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private TaskResult stream(
      RunConfig config,
      Task task,
      TaskSession session,
      TaskEntry entry,
      String row,
      String datasetName,
      ModelEntry modelEntry,
      Dataset<?> evaluation,
      Path runDir,
      long t0,
      PhaseTimer timer) {
    Path samplesDir = runDir.resolve("samples").resolve(modelEntry.name());
    OnError onError = config.dataset(datasetName).onError();
    try (SampleLog log =
            new SampleLog(samplesDir.resolve(row + ".jsonl"), task.recordType(), lines);
        SampleLog<SampleError> errors =
            new SampleLog<>(samplesDir.resolve(row + ".errors.jsonl"), SampleError.class, lines)) {
      // only ids and the records' places in the log stay in memory; finish() reads them back
      Map<String, SampleLog.Span> done = log.readIndex();
      Map<String, SampleError> failed = errors.readExisting();
      long total = evaluation.info().size();
      listener.taskStarted(modelEntry.name(), row, total, done.size() + failed.size());
      List<String> order = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      long processed = 0;
      long processNanos = 0;
      long progress = done.size() + failed.size();
      int workers = config.run().workers();
      if (remote != null) {
        RowWork work =
            new RowWork(modelEntry.name(), entry.name(), row, datasetName, entry.batchSize());
        long b0 = System.nanoTime();
        processed =
            processRemotely(
                work,
                task.recordType(),
                evaluation,
                new LogSink(log, errors, done, failed),
                onError,
                order,
                progress,
                total);
        processNanos = System.nanoTime() - b0;
      } else {
        try (Prefetcher pipeline =
            new Prefetcher(
                evaluation.samples(),
                id -> done.containsKey(id) || failed.containsKey(id),
                entry.batchSize(),
                workers,
                Math.max(2, workers))) {
          List<Prefetcher.Entry> entries;
          while ((entries = next(pipeline)) != null) {
            List<Sample> batch = new ArrayList<>();
            for (Prefetcher.Entry e : entries) {
              if (!seen.add(e.id())) {
                if (failed.containsKey(e.id())) {
                  continue;
                }
                throw new VlevalException(
                    "dataset '"
                        + datasetName
                        + "' yields sample id '"
                        + e.id()
                        + "' twice; ids must be unique");
              }
              order.add(e.id());
              if (e.listingError() != null) {
                if (onError != OnError.SKIP) {
                  throw ListingProblems.of(evaluation, datasetName, e.listingError());
                }
                if (!failed.containsKey(e.id())) {
                  // an entry the loader could not even list: recorded once, then left alone on
                  // resume
                  SampleError err =
                      new SampleError(
                          e.id(), e.listingError().getMessage(), SampleError.UNREADABLE);
                  errors.append(List.of(err));
                  failed.put(e.id(), err);
                }
              } else if (e.sample() != null) {
                batch.add(PhaseTimer.time(Phase.DECODE, () -> Prefetcher.await(e)));
              }
            }
            if (!batch.isEmpty()) {
              long b0 = System.nanoTime();
              processBatch(session, batch, onError, new LogSink(log, errors, done, failed));
              processNanos += System.nanoTime() - b0;
              processed += batch.size();
              progress += batch.size();
              listener.samplesDone(modelEntry.name(), row, progress, total);
            }
          }
        }
      }
      List<SampleLog.Span> spans = new ArrayList<>(done.size());
      for (String id : order) {
        SampleLog.Span r = done.get(id);
        if (r != null) {
          spans.add(r);
        }
      }
      List<SampleRecord> inOrder = log.view(spans);
      long failedCount = failed.values().stream().filter(SampleError::failed).count();
      long skippedCount = failed.size() - failedCount;
      // a task with no scorable sample has no score: it is not asked to compute one from nothing
      // (which would be NaN or an error), and its result says so
      TaskOutcome outcome =
          inOrder.isEmpty() ? null : PhaseTimer.time(Phase.METRIC, () -> session.finish(inOrder));
      double wall = (System.nanoTime() - t0) / 1e9;
      double throughput = processNanos == 0 ? 0 : processed / (processNanos / 1e9);
      TaskTiming timing =
          new TaskTiming(
              timer.seconds(Phase.DECODE),
              timer.seconds(Phase.PREPROCESS),
              timer.seconds(Phase.MODEL),
              timer.seconds(Phase.METRIC),
              wall == 0 ? 0 : processed / wall);
      return new TaskResult(
          row,
          entry.type(),
          task.version(),
          modelEntry.name(),
          datasetName,
          outcome == null ? null : outcome.headline(),
          outcome == null ? List.of() : outcome.metrics(),
          outcome == null ? List.of() : outcome.categories(),
          inOrder.size(),
          failed.size(),
          wall,
          throughput,
          skippedCount,
          failedCount,
          outcome == null ? TaskStatus.NO_SCORE : TaskStatus.SCORED,
          outcome == null ? List.of() : outcome.warnings(),
          task.protocol(),
          timing,
          entry.judge());
    }
  }

  /**
   * Lists a row's samples here (order, duplicate ids and listing errors as the local engine treats
   * them), sends the ids still to process to the remote engine, and appends what comes back in
   * dataset order, each sample once however often a retried worker returned it.
   *
   * @return how many samples were processed
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private long processRemotely(
      RowWork work,
      Class<? extends SampleRecord> recordType,
      Dataset<?> evaluation,
      LogSink sink,
      OnError onError,
      List<String> order,
      long progress,
      long total) {
    List<String> pending = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long position = 0;
    try (SampleCursor<? extends Sample> cursor = evaluation.samples()) {
      while (cursor.hasNext()) {
        position++;
        String id;
        DatasetFormatException listing = null;
        try {
          id = cursor.next().id();
        } catch (DatasetFormatException e) {
          listing = e;
          id = e.sampleId() != null ? e.sampleId() : "entry-" + position;
        }
        if (!seen.add(id)) {
          if (sink.failed().containsKey(id)) {
            continue;
          }
          throw new VlevalException(
              "dataset '"
                  + work.dataset()
                  + "' yields sample id '"
                  + id
                  + "' twice; ids must be unique");
        }
        order.add(id);
        if (listing != null) {
          if (onError != OnError.SKIP) {
            throw ListingProblems.of(evaluation, work.dataset(), listing);
          }
          if (!sink.failed().containsKey(id)) {
            sink.error(new SampleError(id, listing.getMessage(), SampleError.UNREADABLE));
          }
        } else if (!sink.done().containsKey(id) && !sink.failed().containsKey(id)) {
          pending.add(id);
        }
      }
    }
    if (pending.isEmpty()) {
      return 0;
    }
    Map<String, RemoteOutcome> back = new HashMap<>();
    for (RemoteOutcome o : remote.process(work, List.copyOf(pending))) {
      back.putIfAbsent(o.sampleId(), o);
    }
    List<SampleRecord> chunk = new ArrayList<>();
    long written = 0;
    for (String id : pending) {
      RemoteOutcome o = back.get(id);
      if (o == null) {
        throw new IllegalStateException(
            "the " + work.row() + " row's engine returned nothing for sample '" + id + "'");
      }
      try {
        if (o.record() != null) {
          chunk.add(lines.readValue(o.record(), recordType));
        } else {
          sink.error(lines.readValue(o.error(), SampleError.class));
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "the engine returned a damaged line for sample '" + id + "': " + e.getMessage(), e);
      }
      written++;
      if (chunk.size() == REMOTE_CHUNK || written == pending.size()) {
        if (!chunk.isEmpty()) {
          sink.records(chunk);
          chunk.clear();
        }
        listener.samplesDone(work.model(), work.row(), progress + written, total);
      }
    }
    return pending.size();
  }

  private static final int REMOTE_CHUNK = 256;

  /** The pipeline's next entries; the time the task waits for them counts as decoding. */
  private static List<Prefetcher.Entry> next(Prefetcher pipeline) {
    return PhaseTimer.time(Phase.DECODE, pipeline::next);
  }

  /** Where a processed batch goes: the run directory's logs, or back to a distributed driver. */
  interface BatchSink {
    void records(List<SampleRecord> records);

    void error(SampleError error);
  }

  /** The local engine's sink: appends to the row's logs and keeps where each record lies. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private record LogSink(
      SampleLog log,
      SampleLog<SampleError> errors,
      Map<String, SampleLog.Span> done,
      Map<String, SampleError> failed)
      implements BatchSink {
    @Override
    public void records(List<SampleRecord> records) {
      List<SampleLog.Span> spans = log.append(records);
      for (int i = 0; i < records.size(); i++) {
        done.put(records.get(i).sampleId(), spans.get(i));
      }
    }

    @Override
    public void error(SampleError err) {
      errors.append(List.of(err));
      failed.put(err.sampleId(), err);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void processBatch(
      TaskSession session, List<Sample> batch, OnError onError, BatchSink sink) {
    List<SampleRecord> out;
    try {
      out = session.process(batch);
    } catch (VlevalException e) {
      if (onError != OnError.SKIP) {
        throw e;
      }
      // Find the bad samples one by one; the rest are processed as usual.
      for (Sample s : batch) {
        try {
          List<SampleRecord> one = session.process(List.of(s));
          sink.records(one);
        } catch (VlevalException single) {
          // the sample's data could not be read, or the task or model failed on it
          SampleError err =
              new SampleError(
                  s.id(),
                  single.getMessage(),
                  single instanceof DatasetFormatException
                      ? SampleError.UNREADABLE
                      : SampleError.FAILED);
          sink.error(err);
        }
      }
      return;
    }
    if (out.size() != batch.size()) {
      throw new IllegalStateException(
          "task returned " + out.size() + " records for " + batch.size() + " samples");
    }
    for (int i = 0; i < out.size(); i++) {
      if (!out.get(i).sampleId().equals(batch.get(i).id())) {
        throw new IllegalStateException(
            "task returned record '"
                + out.get(i).sampleId()
                + "' for sample '"
                + batch.get(i).id()
                + "'");
      }
    }
    sink.records(out);
  }

  /** A per-task seed: the same for the same run seed, task and model, different otherwise. */
  static long mix(long seed, String task, String model) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (char c : (task + "\u0000" + model).toCharArray()) {
      h = (h ^ c) * 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
