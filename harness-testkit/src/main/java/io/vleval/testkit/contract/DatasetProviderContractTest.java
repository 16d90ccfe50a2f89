package io.vleval.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every dataset plugin promises. {@link #exampleSpecYaml()} must point at data the test
 * prepared (for example under {@link #temp} in a {@code @BeforeEach}).
 */
public abstract class DatasetProviderContractTest<S extends Record> extends PluginContractTest<S> {

  @Override
  protected abstract DatasetProvider<S> provider();

  protected PluginContext context() {
    return new PluginContext(1, temp.resolve("cache"), 1);
  }

  private List<String> ids(Dataset<? extends Sample> d) {
    List<String> ids = new ArrayList<>();
    try (SampleCursor<? extends Sample> c = d.samples()) {
      while (c.hasNext()) {
        Sample s = c.next();
        assertThat(s).isInstanceOf(provider().sampleType(exampleSpec()));
        ids.add(s.id());
      }
    }
    return ids;
  }

  @Test
  void streamsTheSameSamplesInTheSameOrderEveryTime() {
    Dataset<? extends Sample> d = provider().open(exampleSpec(), context());
    List<String> first = ids(d);
    assertThat(first).isNotEmpty();
    assertThat(new HashSet<>(first)).as("sample ids are unique").hasSize(first.size());
    assertThat(ids(provider().open(exampleSpec(), context()))).isEqualTo(first);
    if (d.info().size() >= 0) {
      assertThat(d.info().size()).isEqualTo(first.size());
    }
  }

  @Test
  void fingerprintIsStable() {
    String a = provider().open(exampleSpec(), context()).info().fingerprint();
    String b = provider().open(exampleSpec(), context()).info().fingerprint();
    assertThat(a).isNotBlank().isEqualTo(b);
  }

  @Test
  void declaresTheSampleTypeItYields() {
    assertThat(provider().open(exampleSpec(), context()).sampleType())
        .isEqualTo(provider().sampleType(exampleSpec()));
  }
}
