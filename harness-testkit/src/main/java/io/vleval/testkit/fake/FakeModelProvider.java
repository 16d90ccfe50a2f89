package io.vleval.testkit.fake;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.spec.EmptySpec;
import java.util.Set;

/**
 * Type {@code fake}: {@link FakeModel} as a model plugin, for a test that runs a YAML config
 * through the real runner and needs a model but not a particular one. Not declared to {@code
 * ServiceLoader}: a test hands it to {@code PluginRegistry.of} itself.
 */
public final class FakeModelProvider implements ModelProvider<EmptySpec> {

  @Override
  public String type() {
    return "fake";
  }

  @Override
  public String description() {
    return "a tiny deterministic model with every capability, for tests";
  }

  @Override
  public Class<EmptySpec> specType() {
    return EmptySpec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(EmptySpec spec) {
    try (FakeModel model = new FakeModel()) {
      return Set.copyOf(model.capabilities());
    }
  }

  @Override
  public Model load(EmptySpec spec, PluginContext context) {
    return new FakeModel();
  }
}
