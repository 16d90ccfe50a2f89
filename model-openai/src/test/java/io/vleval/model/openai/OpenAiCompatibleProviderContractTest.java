package io.vleval.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.contract.ModelProviderContractTest;
import io.vleval.testkit.fake.FakeChatServer;
import io.vleval.testkit.fake.FakeChatServer.Response;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleProviderContractTest
    extends ModelProviderContractTest<OpenAiCompatibleProvider.Spec> {

  private static FakeChatServer server;

  @BeforeAll
  static void start() {
    // a deterministic server: the reply is a digest of the prompt and the image
    server =
        new FakeChatServer(
            r ->
                Response.reply(
                    "answer " + Integer.toHexString(r.body().path("messages").hashCode())));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  protected ModelProvider<OpenAiCompatibleProvider.Spec> provider() {
    return new OpenAiCompatibleProvider();
  }

  @Override
  protected String exampleSpecYaml() {
    return "base_url: " + server.baseUrl() + "\nmodel: served-vlm\nconcurrency: 2\n";
  }

  @Override
  protected BadSpec badSpec() {
    return new BadSpec(
        "base_url: http://localhost:8000/v1\nmodel: m\nconcurency: 2\n", "concurency");
  }

  @Test
  void baseUrlExpandsEnvironmentVariables() {
    OpenAiCompatibleProvider.Spec spec =
        new SpecYaml(temp, Map.of("VLLM_HOST", "gpu7"))
            .bind(
                OpenAiCompatibleProvider.Spec.class,
                "base_url: http://${VLLM_HOST}:8000/v1\nmodel: m\n" + "api_key_env: VLLM_KEY\n");
    assertThat(spec.baseUrl()).isEqualTo(URI.create("http://gpu7:8000/v1"));
    assertThat(spec.apiKeyEnv()).isEqualTo("VLLM_KEY");
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    SpecYaml yaml = new SpecYaml(temp);
    assertThatThrownBy(
            () ->
                yaml.bind(
                    OpenAiCompatibleProvider.Spec.class, "base_url: localhost:8000\nmodel: m\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("base_url must be an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                yaml.bind(
                    OpenAiCompatibleProvider.Spec.class,
                    "base_url: http://u:secret@h/v1\nmodel: m\n"))
        .hasMessageContaining("must not hold credentials");
    assertThatThrownBy(
            () ->
                yaml.bind(
                    OpenAiCompatibleProvider.Spec.class,
                    "base_url: http://h/v1\nmodel: m\napi_key_env: sk-abc123\n"))
        .hasMessageContaining("api_key_env must be the NAME of an environment variable");
    assertThatThrownBy(
            () ->
                yaml.bind(
                    OpenAiCompatibleProvider.Spec.class,
                    "base_url: http://h/v1\nmodel: m\nconcurrency: 0\n"))
        .hasMessageContaining("concurrency must be from 1 to 1024");
    assertThatThrownBy(
            () -> yaml.bind(OpenAiCompatibleProvider.Spec.class, "base_url: http://h/v1\n"))
        .hasMessageContaining("missing required key 'model'");
  }

  @Test
  void provenanceNamesTheServerAndTheServedModel() {
    try (var model = provider().load(exampleSpec(), new PluginContext(1, temp, 1))) {
      ModelInfo info = model.info();
      assertThat(info.engine()).contains(server.baseUrl()).contains("served-vlm");
      assertThat(info.device()).isEqualTo("remote");
      assertThat(info.checksum()).startsWith("sha256:");
    }
  }
}
