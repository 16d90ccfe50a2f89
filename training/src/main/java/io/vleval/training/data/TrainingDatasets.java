package io.vleval.training.data;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.training.spec.TrainSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the recipe's named datasets ({@code datasets:}) through the loaders of the plugin registry,
 * exactly as a run opens them: any loader a run can evaluate on, a recipe can train on.
 */
public final class TrainingDatasets {

  private final TrainSpec spec;
  private final PluginRegistry registry;
  private final PluginContext context;

  /**
   * @param spec the recipe
   * @param registry the plugins (the loaders)
   * @param context seed, cache folder and workers the loaders get
   */
  public TrainingDatasets(TrainSpec spec, PluginRegistry registry, PluginContext context) {
    this.spec = spec;
    this.registry = registry;
    this.context = context;
  }

  /**
   * Opens a named dataset.
   *
   * @param name the entry's name
   * @return the open dataset
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Dataset<?> open(String name) {
    DatasetEntry entry = spec.dataset(name);
    DatasetProvider provider = registry.dataset(entry.type());
    return (Dataset<?>) provider.open(entry.spec(), context);
  }

  /**
   * Reads every sample of a named dataset, which must hold samples of one type.
   *
   * @param name the entry's name
   * @param type the sample type the stage reads
   * @param <T> that type
   * @return the samples in the loader's order (images stay lazy: {@code ImageSource})
   */
  public <T extends Sample> List<T> all(String name, Class<T> type) {
    Dataset<?> d = open(name);
    List<T> out = new ArrayList<>();
    try (SampleCursor<?> c = d.samples()) {
      while (c.hasNext()) {
        Sample s = c.next();
        if (!type.isInstance(s)) {
          throw new IllegalArgumentException(
              "dataset '"
                  + name
                  + "' holds "
                  + s.getClass().getSimpleName()
                  + " samples; this stage reads "
                  + type.getSimpleName());
        }
        out.add(type.cast(s));
      }
    }
    return out;
  }
}
