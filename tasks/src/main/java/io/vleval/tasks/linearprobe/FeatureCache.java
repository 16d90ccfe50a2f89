package io.vleval.tasks.linearprobe;

import io.vleval.api.error.VlevalException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frozen features on disk, keyed by what determines them: the model's checksum, the dataset's
 * fingerprint and the preprocessing. A second run with other head settings finds them and skips
 * feature extraction. Files are written to a temporary name and renamed, and sizes read back are
 * checked against the file before anything is allocated.
 */
final class FeatureCache {
  private static final int MAGIC = 0x564C4643; // "VLFC"

  /** Features of one dataset: sample id to (label, vector), in dataset order. */
  record Features(Map<String, Integer> labels, Map<String, float[]> vectors) {}

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
    return dir.resolve(key + ".features");
  }

  /** The cached features, or {@code null} when there are none. */
  Features read(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      long size = Files.size(file);
      if (in.readInt() != MAGIC) {
        throw new VlevalException(file + ": not a vleval feature cache file; delete it");
      }
      int n = in.readInt();
      int dim = in.readInt();
      if (n < 0 || dim <= 0 || (long) n * dim * 4 > size) {
        throw new VlevalException(
            file
                + ": header claims "
                + n
                + " x "
                + dim
                + " features, more than the file holds; delete it");
      }
      Map<String, Integer> labels = new LinkedHashMap<>();
      Map<String, float[]> vectors = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        labels.put(id, in.readInt());
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = in.readFloat();
        }
        vectors.put(id, v);
      }
      return new Features(labels, vectors);
    } catch (EOFException e) {
      throw new VlevalException(file + ": truncated feature cache; delete it");
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read feature cache: " + e.getMessage(), e);
    }
  }

  void write(String key, Features features) {
    Path file = file(key);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, key, ".tmp");
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        int dim = features.vectors().values().iterator().next().length;
        out.writeInt(MAGIC);
        out.writeInt(features.vectors().size());
        out.writeInt(dim);
        for (Map.Entry<String, float[]> e : features.vectors().entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(features.labels().get(e.getKey()));
          for (float f : e.getValue()) {
            out.writeFloat(f);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot write feature cache: " + e.getMessage(), e);
    }
  }
}
