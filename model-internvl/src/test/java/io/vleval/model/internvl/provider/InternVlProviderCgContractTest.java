package io.vleval.model.internvl.provider;

import io.vleval.api.plugin.ModelProvider;
import io.vleval.testkit.contract.ModelProviderContractTest;

/**
 * The model contract on the {@code tiny-internvl} preset with the G head (every C/G capability,
 * captioning included).
 */
class InternVlProviderCgContractTest extends ModelProviderContractTest<InternVlSpec> {

  @Override
  protected ModelProvider<InternVlSpec> provider() {
    return new InternVlProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "preset: tiny-internvl\nhead: g\nbatch_size: 2\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("preset: tiny-internvl\nhead: h\n", "head");
  }
}
