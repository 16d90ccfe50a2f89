package io.vleval.datasets.layout;

import io.vleval.api.error.VlevalException;
import io.vleval.datasets.failure.FailureText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Builds a dataset fingerprint: a SHA-256 over what defines the samples (annotation files' bytes,
 * file names and sizes, the loader's settings), so that gates can refuse scores computed on
 * different data. Image bytes are not read: names and sizes catch changed files cheaply.
 */
public final class Fingerprint {
  private final MessageDigest digest;

  public Fingerprint(String loader) {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
    add(loader);
  }

  public Fingerprint add(String text) {
    digest.update(text.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) 0);
    return this;
  }

  public Fingerprint add(long value) {
    return add(Long.toString(value));
  }

  /** Adds a file's name relative to {@code root} and its size. */
  public Fingerprint addFileEntry(Path root, Path file) {
    try {
      return add(root.relativize(file).toString().replace('\\', '/')).add(Files.size(file));
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read its size: " + FailureText.of(e), e);
    }
  }

  /** Adds the full content of a (small or large) annotation file, streamed. */
  public Fingerprint addFileContent(Path file) {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + FailureText.of(e), e);
    }
    digest.update((byte) 0);
    return this;
  }

  public String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
