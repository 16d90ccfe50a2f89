package io.vleval.api.plugin;

import io.vleval.api.sample.Sample;

/**
 * Reads one on-disk dataset layout. Registered in {@code
 * META-INF/services/io.vleval.api.plugin.DatasetProvider}.
 *
 * <p>To write one:
 *
 * <ol>
 *   <li>Declare a record for the options (root folder, split...) as {@link #specType()}.
 *   <li>Say which sample type it yields in {@link #sampleType(Record)}, without I/O.
 *   <li>In {@link #open(Record, PluginContext)}, check the layout and fail with a {@link
 *       io.vleval.api.error.DatasetFormatException} naming the file and the row or key; keep paths
 *       from annotation files inside the dataset root.
 * </ol>
 */
public interface DatasetProvider<S extends Record> extends Plugin<S> {

  Class<? extends Sample> sampleType(S spec);

  Dataset<? extends Sample> open(S spec, PluginContext context);
}
