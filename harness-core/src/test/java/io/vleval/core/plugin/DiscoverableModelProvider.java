package io.vleval.core.plugin;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.spec.EmptySpec;
import java.util.Set;

/** A model plugin declared in this module's test {@code META-INF/services}, for discovery. */
public final class DiscoverableModelProvider implements ModelProvider<EmptySpec> {

  @Override
  public String type() {
    return "discoverable";
  }

  @Override
  public String description() {
    return "found by ServiceLoader in the tests";
  }

  @Override
  public Class<EmptySpec> specType() {
    return EmptySpec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(EmptySpec spec) {
    return Set.of();
  }

  @Override
  public Model load(EmptySpec spec, PluginContext context) {
    throw new UnsupportedOperationException("test provider");
  }
}
