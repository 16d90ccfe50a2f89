package io.vleval.model.internvl.provider;

import io.vleval.api.plugin.ModelProvider;
import io.vleval.testkit.contract.ModelProviderContractTest;

/** The model contract on the {@code tiny-chat-qwen2} preset (Qwen2 decoder, tied head). */
class InternVlProviderQwen2ChatContractTest extends ModelProviderContractTest<InternVlSpec> {

  @Override
  protected ModelProvider<InternVlSpec> provider() {
    return new InternVlProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "preset: tiny-chat-qwen2\nseed: 5\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec("preset: tiny-chat-qwen2\ndevice: tpu\n", "device");
  }
}
