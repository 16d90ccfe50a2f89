package io.vleval.model.internvl.provider;

import io.vleval.api.plugin.ModelProvider;
import io.vleval.testkit.contract.ModelProviderContractTest;

/** The model contract on the {@code tiny} vision preset. */
class InternVlProviderTest extends ModelProviderContractTest<InternVlSpec> {

  @Override
  protected ModelProvider<InternVlSpec> provider() {
    return new InternVlProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "preset: tiny\nbatch_size: 1\ndevice: cpu\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("preset: tiny\nbatch_size: many\n", "batch_size");
  }
}
