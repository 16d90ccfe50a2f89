package io.vleval.reports;

import io.vleval.api.plugin.ReporterProvider;
import io.vleval.reports.allure.AllureReporterProvider;
import io.vleval.reports.files.CsvReporterProvider;
import io.vleval.reports.files.JsonReporterProvider;
import io.vleval.reports.html.HtmlReporterProvider;
import io.vleval.testkit.contract.ReporterProviderContractTest;
import org.junit.jupiter.api.Nested;

/** Every reporter of this module passes the reporter contract of harness-testkit. */
class ReporterContractTests {

  @Nested
  class Json extends ReporterProviderContractTest<JsonReporterProvider.Spec> {
    @Override
    protected ReporterProvider<JsonReporterProvider.Spec> provider() {
      return new JsonReporterProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "file: out/results.json\npretty: false\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("file: a.json\npretty: sometimes\n", "pretty");
    }
  }

  @Nested
  class Csv extends ReporterProviderContractTest<CsvReporterProvider.Spec> {
    @Override
    protected ReporterProvider<CsvReporterProvider.Spec> provider() {
      return new CsvReporterProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "file: results.tsv\ndelimiter: tab\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("delimiter: pipe\n", "delimiter");
    }
  }

  @Nested
  class Html extends ReporterProviderContractTest<HtmlReporterProvider.Spec> {
    @Override
    protected ReporterProvider<HtmlReporterProvider.Spec> provider() {
      return new HtmlReporterProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "file: board.html\nworst_samples: 5\ntitle: nightly\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("worst_samples: many\n", "worst_samples");
    }
  }

  @Nested
  class Allure extends ReporterProviderContractTest<AllureReporterProvider.Spec> {
    @Override
    protected ReporterProvider<AllureReporterProvider.Spec> provider() {
      return new AllureReporterProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "directory: allure\nsamples: false\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("directory: allure\nsampels: true\n", "sampels");
    }
  }
}
