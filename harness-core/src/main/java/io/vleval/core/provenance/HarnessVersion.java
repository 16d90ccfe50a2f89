package io.vleval.core.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The harness's own version, stamped into a resource at build time. */
public final class HarnessVersion {
  private HarnessVersion() {}

  public static String get() {
    try (InputStream in = HarnessVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from harness-core");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
