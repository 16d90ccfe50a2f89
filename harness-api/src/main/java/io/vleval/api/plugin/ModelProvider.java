package io.vleval.api.plugin;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import java.util.Set;

/**
 * Makes models. Registered in {@code META-INF/services/io.vleval.api.plugin.ModelProvider}.
 *
 * <p>To write one:
 *
 * <ol>
 *   <li>Declare a record for the options (checkpoint path, device...) and return it from {@link
 *       #specType()}.
 *   <li>Return from {@link #capabilities(Record)} what the model will offer for that spec, without
 *       loading anything: the planner uses it to refuse incompatible tasks early.
 *   <li>Load weights in {@link #load(Record, PluginContext)}, never in the constructor.
 * </ol>
 */
public interface ModelProvider<S extends Record> extends Plugin<S> {

  Set<Class<? extends Capability>> capabilities(S spec);

  Model load(S spec, PluginContext context);
}
