package io.vleval.cli.testplugins;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.testkit.contract.DatasetProviderContractTest;
import io.vleval.testkit.contract.ReporterProviderContractTest;
import io.vleval.testkit.contract.TaskProviderContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The test plugins pass the same contracts as real plugins, which also exercises the kit itself.
 */
class TestPluginContractTests {

  @Nested
  class ColourDataset extends DatasetProviderContractTest<ColourDatasetProvider.Spec> {
    @Override
    protected DatasetProvider<ColourDatasetProvider.Spec> provider() {
      return new ColourDatasetProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "count: 7\nclasses: 2\nroot: .\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("count: 7\nroot: .\nclases: 2\n", "clases");
    }
  }

  @Nested
  class ColourAccuracyTask extends TaskProviderContractTest<ColourAccuracyTaskProvider.Spec> {
    @Override
    protected TaskProvider<ColourAccuracyTaskProvider.Spec> provider() {
      return new ColourAccuracyTaskProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "classes: 3\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("classes: three\n", "classes");
    }

    @Override
    protected Dataset<? extends Sample> dataset() {
      return new ColourDatasetProvider()
          .open(
              new ColourDatasetProvider.Spec(10, 3, null, Path.of(".")),
              new PluginContext(0, temp, 1));
    }
  }

  @Nested
  class SummaryReporter extends ReporterProviderContractTest<SummaryReporterProvider.Spec> {
    @Override
    protected ReporterProvider<SummaryReporterProvider.Spec> provider() {
      return new SummaryReporterProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "file: scores.txt\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("file: [a]\n", "file");
    }
  }
}
