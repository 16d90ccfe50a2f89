package io.vleval.tasks.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the yes/no and judged benchmarks' reference fixtures from the test class path. */
public final class ClosedFixtures {
  private ClosedFixtures() {}

  /** The JSON fixture at {@code resource}, e.g. {@code /pope/pope_reference.json}. */
  public static JsonNode read(String resource) {
    try (InputStream in = ClosedFixtures.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource + " on the test class path").isNotNull();
      JsonNode root = new ObjectMapper().readTree(in);
      assertThat(root.get("cases")).as(resource + ": cases").isNotEmpty();
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
