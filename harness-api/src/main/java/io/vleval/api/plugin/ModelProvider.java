package io.vleval.api.plugin;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import java.util.Optional;
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
 *   <li>Where the model has a transformer image backbone, return its shape from {@link
 *       #backboneShape(Record)} (read from the checkpoint's configuration, never its weights), so
 *       protocols that read given blocks are checked at validation.
 *   <li>Load weights in {@link #load(Record, PluginContext)}, never in the constructor.
 * </ol>
 */
public interface ModelProvider<S extends Record> extends Plugin<S> {

  Set<Class<? extends Capability>> capabilities(S spec);

  /**
   * The shape of the model's image backbone for this spec, read without loading weights; empty when
   * the model has none or cannot tell before loading.
   *
   * @throws io.vleval.api.error.VlevalException when the configuration it reads is unreadable
   */
  default Optional<BackboneShape> backboneShape(S spec) {
    return Optional.empty();
  }

  Model load(S spec, PluginContext context);
}
