package io.vleval.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.spec.EmptySpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

  /** A provider whose type name is given, to provoke clashes. */
  static class Named implements ModelProvider<EmptySpec> {
    private final String type;

    Named(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public String description() {
      return "test";
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

  static class Other extends Named {
    Other(String type) {
      super(type);
    }
  }

  @Test
  void discoversThePluginsTheClassPathDeclares() {
    // src/test/resources/META-INF/services names DiscoverableModelProvider
    PluginRegistry r = PluginRegistry.discover(getClass().getClassLoader());
    assertThat(r.typeNames(PluginKind.MODEL)).contains("discoverable");
    assertThat(r.model("discoverable")).isInstanceOf(DiscoverableModelProvider.class);
  }

  @Test
  void duplicateTypeNamesNameBothClasses() {
    assertThatThrownBy(() -> PluginRegistry.of(List.of(new Named("x"), new Other("x"))))
        .isInstanceOf(PluginException.class)
        .hasMessage(
            "two model plugins claim type 'x': "
                + Named.class.getName()
                + " and "
                + Other.class.getName());
  }

  @Test
  void malformedTypeNamesAreRefused() {
    assertThatThrownBy(() -> PluginRegistry.of(List.of(new Named("Bad Name"))))
        .hasMessageContaining("has type name 'Bad Name'");
    assertThatThrownBy(() -> PluginRegistry.of(List.of(new Named("-x"))))
        .isInstanceOf(PluginException.class);
  }

  @Test
  void unknownTypesGetTheNearestNamesAndTheFullList() {
    PluginRegistry r = PluginRegistry.of(List.of(new Named("random"), new Named("pixel-baseline")));
    assertThat(r.unknownTypeMessage(PluginKind.MODEL, "pixel"))
        .isEqualTo("unknown model type 'pixel'; known model types: pixel-baseline, random");
    assertThat(r.unknownTypeMessage(PluginKind.MODEL, "randon"))
        .isEqualTo(
            "unknown model type 'randon'; did you mean 'random'? known model types: pixel-baseline, random");
    assertThatThrownBy(() -> r.task("x"))
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("known task types: (none)");
  }
}
