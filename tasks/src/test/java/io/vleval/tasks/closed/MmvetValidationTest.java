package io.vleval.tasks.closed;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A task that cannot run without a judge (MM-Vet) is refused at validation, before any model or
 * dataset loads, with the config's line and column and what to add.
 */
class MmvetValidationTest {

  @Test
  void anMmvetTaskWithoutAJudgeFailsValidation() {
    String yaml =
        "models:\n"
            + "  - {name: rnd, type: random}\n"
            + "datasets:\n"
            + "  - {name: vet, type: mmvet, root: .}\n"
            + "tasks:\n"
            + "  - {name: mm-vet, type: mmvet, dataset: vet}\n";
    ConfigLoader loader =
        new ConfigLoader(PluginRegistry.discover(getClass().getClassLoader()), name -> null);
    assertThatThrownBy(() -> loader.parse(yaml, Path.of("suite.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("suite.yaml:6:5")
        .hasMessageContaining(
            "task 'mm-vet' (mmvet) grades replies with a judge model and names none; add 'judge:'");
  }
}
