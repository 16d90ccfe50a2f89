package io.vleval.training.data;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.datasets.shuffle.ShardedDataset;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.TrainSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /**
   * A stage's examples from the datasets its roles name, in the order of {@code sources} and,
   * within a role, of its list; each sample expanded by its role. Without {@code shuffle_buffer}
   * every example is read once and held (images undecoded), drawn in a seeded permutation each
   * epoch; with it the data is read again every epoch (sharded datasets with their shards in that
   * epoch's seeded order) through a shuffle buffer, and only the buffer and the last {@code keep}
   * examples are held.
   *
   * @param sources the roles, in order
   * @param data the stage's data (its {@code shuffle_buffer})
   * @param seed seeds the shard orders and the buffer (the recipe's seed, or the stage's)
   * @param keep how many drawn examples a stream keeps readable: at least a micro-batch
   * @param what how messages name the stage ("stage 'stage1'")
   * @param messages where left-out malformed entries are reported
   * @param <E> the example type
   * @return the examples
   * @throws VlevalException when the data holds no samples, or a dataset holds samples of another
   *     type than its role reads
   */
  public <E extends Sample> Examples<E> examples(
      List<Source<?, E>> sources,
      DataSpec data,
      long seed,
      int keep,
      String what,
      Consumer<String> messages) {
    List<Opened<E>> opened = new ArrayList<>();
    for (Source<?, E> source : sources) {
      for (String name : source.names()) {
        opened.add(opened(source, name, what));
      }
    }
    if (!data.streamed()) {
      List<ExampleCursor.Part<E>> parts = new ArrayList<>();
      for (Opened<E> o : opened) {
        parts.add(o.part(o.dataset()::samples));
      }
      List<E> all = new ArrayList<>();
      try (ExampleCursor<E> c = new ExampleCursor<>(parts, messages, "")) {
        c.forEachRemaining(all::add);
      }
      if (all.isEmpty()) {
        throw new VlevalException(
            what
                + ": its data holds no samples (datasets: "
                + String.join(", ", opened.stream().map(o -> o.entry().name()).toList())
                + ")");
      }
      return Examples.indexed(all);
    }
    return new StreamedExamples<>(
        epoch -> {
          List<ExampleCursor.Part<E>> parts = new ArrayList<>();
          for (Opened<E> o : opened) {
            parts.add(
                o.part(
                    o.dataset() instanceof ShardedDataset<?> sharded
                        ? () -> sharded.epoch(seed, epoch)
                        : o.dataset()::samples));
          }
          return new ExampleCursor<>(parts, messages, "epoch " + (epoch + 1));
        },
        data.shuffleBuffer(),
        seed,
        keep,
        what);
  }

  /** A dataset of a role, opened once for the stage. */
  private record Opened<E>(
      DatasetEntry entry, Dataset<?> dataset, Source.Expansion<Sample, E> expand) {

    ExampleCursor.Part<E> part(Supplier<SampleCursor<? extends Sample>> open) {
      return new ExampleCursor.Part<>(
          entry.name(),
          entry.onError(),
          open,
          sample -> expand.apply(entry.name(), dataset.info(), sample));
    }
  }

  private <T extends Sample, E> Opened<E> opened(Source<T, E> source, String name, String what) {
    DatasetEntry entry = spec.dataset(name);
    Dataset<?> d = open(name);
    if (!source.type().isAssignableFrom(d.sampleType())) {
      throw new VlevalException(
          what
              + ": '"
              + source.role()
              + "' names dataset '"
              + name
              + "' ("
              + entry.type()
              + "), whose samples are "
              + d.sampleType().getSimpleName()
              + "; '"
              + source.role()
              + "' reads "
              + source.type().getSimpleName()
              + " samples");
    }
    Class<T> type = source.type();
    return new Opened<>(
        entry,
        d,
        (dataset, info, sample) -> source.expand().apply(dataset, info, type.cast(sample)));
  }
}
