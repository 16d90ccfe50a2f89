package io.vleval.tasks.linearprobe;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Frozen features on disk, keyed by what determines them: the model's checksum, the dataset's
 * fingerprint and the preprocessing. A second run with other head settings finds them and skips
 * feature extraction. Each dataset's features are one {@link FeatureFile}, written to a temporary
 * name and renamed, and read back memory-mapped.
 */
final class FeatureCache {

  private final Path dir;

  FeatureCache(Path dir) {
    this.dir = dir;
  }

  static String key(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  Path file(String key) {
    return dir.resolve(key + ".f32");
  }

  /** The cached features, checked and mapped, or {@code null} when there are none. */
  FeatureFile open(String key) {
    Path file = file(key);
    return Files.isRegularFile(file) ? FeatureFile.open(file) : null;
  }

  /** A writer whose commit makes {@link #open} find the features under {@code key}. */
  FeatureFile.Writer writer(String key) {
    return new FeatureFile.Writer(file(key));
  }
}
