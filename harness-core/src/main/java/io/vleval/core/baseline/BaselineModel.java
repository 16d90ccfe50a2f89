package io.vleval.core.baseline;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A weight-free model: a fixed set of capability objects and nothing native to release. */
final class BaselineModel implements Model {
  private final Map<Class<? extends Capability>, Capability> capabilities;
  private final ModelInfo info;

  BaselineModel(Map<Class<? extends Capability>, Capability> capabilities, ModelInfo info) {
    this.capabilities = Map.copyOf(capabilities);
    this.info = info;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return capabilities.keySet();
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return Optional.ofNullable(type.cast(capabilities.get(type)));
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public void close() {
    // nothing to release
  }
}
