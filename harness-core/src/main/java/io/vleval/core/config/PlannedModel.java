package io.vleval.core.config;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import java.util.Optional;
import java.util.Set;

/**
 * A model that tasks are checked against before it exists (a training stage's final checkpoint),
 * described by what it will offer, as {@link ConfigLoader#tasks} reads it.
 *
 * @param name the name of its entry in the run the tasks will be part of
 * @param description how messages name it, e.g. {@code the final checkpoint of stage 's1'
 *     (InternVL-C, head c)}
 * @param capabilities what it will offer
 * @param backbone its backbone's shape, when known (for the tasks that read backbone blocks)
 */
public record PlannedModel(
    String name,
    String description,
    Set<Class<? extends Capability>> capabilities,
    Optional<BackboneShape> backbone) {

  /** Copies. */
  public PlannedModel {
    capabilities = Set.copyOf(capabilities);
  }
}
