package io.vleval.core.run;

import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.result.ModelProvenance;
import io.vleval.api.task.Judge;
import io.vleval.core.plugin.PluginRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries of {@code judges:} that a run's tasks name: each loaded once, before any evaluated
 * model, handed to every task that names it ({@link io.vleval.api.task.TaskContext#judge()}), and
 * closed when the run has no more use for it. A judge's calls count as model time in the task's
 * timing.
 */
final class Judges implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Judges.class);

  private final Map<String, Model> loaded;
  private final Map<String, ModelEntry> entries;

  private Judges(Map<String, Model> loaded, Map<String, ModelEntry> entries) {
    this.loaded = loaded;
    this.entries = entries;
  }

  /** Loads the judges {@code tasks} name, each once; none loaded when none is named. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Judges load(
      PluginRegistry registry, RunConfig config, List<TaskEntry> tasks, PluginContext context) {
    Map<String, Model> loaded = new LinkedHashMap<>();
    Map<String, ModelEntry> entries = new LinkedHashMap<>();
    Judges judges = new Judges(loaded, entries);
    try {
      for (TaskEntry task : tasks) {
        String name = task.judge();
        if (name == null || loaded.containsKey(name)) {
          continue;
        }
        ModelEntry entry = config.judge(name);
        LOG.info("loading judge '{}' ({})", name, entry.type());
        ModelProvider provider = registry.model(entry.type());
        loaded.put(name, provider.load(entry.spec(), context));
        entries.put(name, entry);
      }
    } catch (RuntimeException e) {
      try {
        judges.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return judges;
  }

  /**
   * The judge {@code task} names, asked through its {@link ImageChat}; empty when it names none.
   */
  Optional<Judge> forTask(TaskEntry task) {
    if (task.judge() == null) {
      return Optional.empty();
    }
    Model model = loaded.get(task.judge());
    if (model == null) {
      throw new IllegalStateException("judge '" + task.judge() + "' was not loaded for this run");
    }
    return Optional.of(new Judge(task.judge(), TimedModel.of(model).require(ImageChat.class)));
  }

  /** The loaded judges as the results' provenance records them. */
  List<ModelProvenance> provenance() {
    List<ModelProvenance> out = new ArrayList<>();
    loaded.forEach(
        (name, model) ->
            out.add(
                new ModelProvenance(
                    name,
                    entries.get(name).type(),
                    model.info().checksum(),
                    model.info().engine(),
                    model.info().device())));
    return out;
  }

  /** Closes every judge, each even when another fails; the first failure is thrown. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (Model model : loaded.values()) {
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
    loaded.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
