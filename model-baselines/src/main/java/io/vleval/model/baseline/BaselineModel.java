package io.vleval.model.baseline;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A weight-free model: a fixed set of capability objects and nothing native to release. */
final class BaselineModel implements Model {
  private final Map<Class<? extends Capability>, Capability> capabilities;
  private final ModelInfo info;

  BaselineModel(Map<Class<? extends Capability>, Capability> capabilities, ModelInfo info) {
    this.capabilities = Map.copyOf(capabilities);
    this.info = info;
  }

  /**
   * The checksum a weight-free model reports in its provenance: the SHA-256 (hex) of the text that
   * defines it (its type and settings), as a checkpoint's would be of its weights.
   */
  static String checksum(String definition) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(definition.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return capabilities.keySet();
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return Optional.ofNullable(type.cast(capabilities.get(type)));
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public void close() {
    // nothing to release
  }
}
