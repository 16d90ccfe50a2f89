package io.vleval.api.model;

import java.util.Optional;
import java.util.Set;

/** A loaded model. It owns its native resources and releases them on {@link #close()}. */
public interface Model extends AutoCloseable {

  /** The capabilities this model offers; the planner checks them before anything is loaded. */
  Set<Class<? extends Capability>> capabilities();

  /** The capability, if the model has it. */
  <C extends Capability> Optional<C> capability(Class<C> type);

  /** The capability, or an {@link IllegalStateException}: the planner has already checked it. */
  default <C extends Capability> C require(Class<C> type) {
    return capability(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "model lacks " + type.getSimpleName() + " although the plan checked it"));
  }

  ModelInfo info();

  @Override
  void close();
}
