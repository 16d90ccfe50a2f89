package io.vleval.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import io.vleval.api.plugin.Plugin;
import io.vleval.core.plugin.PluginKind;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.testkit.SpecYaml;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every plugin promises, whatever its kind. Extend the kind's subclass ({@link
 * ModelProviderContractTest}...), not this one.
 *
 * @param <S> the plugin's spec record
 */
public abstract class PluginContractTest<S extends Record> {

  @TempDir protected Path temp;

  /** A fresh instance of the provider under test. */
  protected abstract Plugin<S> provider();

  /** YAML for a valid spec that sets at least one key (paths relative to {@link #temp}). */
  protected abstract String exampleSpecYaml();

  /** YAML for an invalid spec, and the key its error message must name. */
  protected abstract BadSpec badSpec();

  /** An invalid spec and the key that is wrong in it. */
  public record BadSpec(String yaml, String key) {}

  protected SpecYaml specYaml() {
    return new SpecYaml(temp);
  }

  protected S exampleSpec() {
    return specYaml().bind(provider().specType(), exampleSpecYaml());
  }

  @Test
  void isDiscoverableThroughServiceLoader() {
    PluginKind kind = PluginRegistry.kindOf(provider());
    boolean found = false;
    for (Object p : ServiceLoader.load(kind.service())) {
      found |= p.getClass() == provider().getClass();
    }
    assertThat(found)
        .as(
            "%s listed in META-INF/services/%s",
            provider().getClass().getName(), kind.service().getName())
        .isTrue();
  }

  @Test
  void typeNameIsWellFormedAndUnique() {
    PluginKind kind = PluginRegistry.kindOf(provider());
    assertThat(provider().type()).matches(PluginRegistry.TYPE_NAME);
    assertThat(provider().description()).isNotBlank().doesNotContain("\n");
    // discovery refuses duplicates, so a registry that builds and finds this class under the name
    // is proof
    PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
    assertThat(registry.find(kind, provider().type()))
        .get()
        .extracting(Object::getClass)
        .isEqualTo(provider().getClass());
  }

  @Test
  void specRoundTripsThroughYaml() {
    S spec = exampleSpec();
    String written = specYaml().write(spec);
    assertThat(specYaml().bind(provider().specType(), written)).isEqualTo(spec);
  }

  @Test
  void badSpecMessageNamesTheKey() {
    BadSpec bad = badSpec();
    assertThatThrownBy(() -> specYaml().bind(provider().specType(), bad.yaml()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(bad.key())
        .hasMessageMatching("(?s)spec\\.yaml:\\d+:\\d+: .*");
  }
}
