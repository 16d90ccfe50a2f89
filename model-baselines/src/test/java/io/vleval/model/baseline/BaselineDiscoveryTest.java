package io.vleval.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.core.plugin.PluginKind;
import io.vleval.core.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

/** Configs name the baselines by these types: the registry finds each through ServiceLoader. */
class BaselineDiscoveryTest {

  @Test
  void theRegistryFindsEveryBaselineByItsTypeName() {
    PluginRegistry r = PluginRegistry.discover(getClass().getClassLoader());
    assertThat(r.typeNames(PluginKind.MODEL))
        .contains("random", "pixel-baseline", "nearest-caption");
    assertThat(r.model("random")).isInstanceOf(RandomModelProvider.class);
    assertThat(r.model("pixel-baseline")).isInstanceOf(PixelBaselineProvider.class);
    assertThat(r.model("nearest-caption")).isInstanceOf(NearestCaptionProvider.class);
  }
}
