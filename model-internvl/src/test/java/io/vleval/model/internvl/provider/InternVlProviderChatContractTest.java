package io.vleval.model.internvl.provider;

import io.vleval.api.plugin.ModelProvider;
import io.vleval.testkit.contract.ModelProviderContractTest;

/** The model contract on the {@code tiny-chat} preset (captioning and multiple-choice chat). */
class InternVlProviderChatContractTest extends ModelProviderContractTest<InternVlSpec> {

  @Override
  protected ModelProvider<InternVlSpec> provider() {
    return new InternVlProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "preset: tiny-chat\nseed: 5\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("preset: tiny-chat\ndevice: tpu\n", "device");
  }
}
