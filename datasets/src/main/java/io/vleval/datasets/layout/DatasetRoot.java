package io.vleval.datasets.layout;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A dataset's root folder. Paths read from annotation files are resolved against it and must stay
 * inside it: an absolute path, a {@code ..} that climbs out, or a symbolic link that leads out is
 * refused with the annotation file and place named. Files found by listing folders ({@link
 * #confine}) are held to the same rule once their links are followed.
 */
public final class DatasetRoot {
  private final Path root;
  private final Path realRoot;

  public DatasetRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
    Path real;
    try {
      real = Files.exists(this.root) ? this.root.toRealPath() : this.root;
    } catch (IOException e) {
      real = this.root;
    }
    this.realRoot = real;
  }

  public Path path() {
    return root;
  }

  /**
   * Resolves {@code relative}, as written at {@code place} in {@code annotationFile}, inside the
   * root.
   *
   * @param sampleId the sample the path belongs to, or {@code null}
   * @throws DatasetFormatException naming the annotation file and place when the path is refused
   *     (see {@link #refusal})
   */
  public Path resolve(String relative, String annotationFile, String place, String sampleId) {
    String refusal = refusal(relative);
    if (refusal != null) {
      throw DatasetFormatException.forSample(sampleId, annotationFile, place, refusal);
    }
    return root.resolve(relative).normalize();
  }

  /**
   * Why {@code relative}, read from an annotation file, cannot be used: it is empty, not a path,
   * absolute, climbs out with {@code ..}, or leads out through a symbolic link; {@code null} when
   * it stays inside the root.
   */
  public String refusal(String relative) {
    if (relative == null || relative.isBlank()) {
      return "empty path; expected a path relative to the dataset root " + root;
    }
    Path given;
    try {
      given = Path.of(relative);
    } catch (InvalidPathException e) {
      return "invalid path '" + relative + "' (" + e.getReason() + ")";
    }
    if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      return "absolute path '"
          + relative
          + "' is not allowed; paths must stay inside the dataset root "
          + root;
    }
    Path resolved = root.resolve(given).normalize();
    if (!resolved.startsWith(root)) {
      return "path '" + relative + "' leaves the dataset root " + root;
    }
    try {
      if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS) && !inside(resolved)) {
        return "path '"
            + relative
            + "' leads out of the dataset root "
            + root
            + " through a symbolic link; links must stay inside the root";
      }
    } catch (IOException e) {
      return "cannot follow the symbolic links of '" + relative + "': " + FailureText.of(e);
    }
    return null;
  }

  /**
   * Checks a file or folder found by listing a folder under the root (not named by an annotation
   * file): once symbolic links are followed it must still lie inside the root. A link that stays
   * inside is fine.
   *
   * @param sampleId the sample the file belongs to, or {@code null} when it is not one sample's
   * @throws DatasetFormatException naming the file when it leads out of the root
   */
  public Path confine(Path found, String sampleId) {
    boolean inside;
    try {
      inside = inside(found);
    } catch (IOException e) {
      throw DatasetFormatException.forSample(
          sampleId, found.toString(), "", "cannot follow its symbolic links: " + FailureText.of(e));
    }
    if (!inside) {
      throw DatasetFormatException.forSample(
          sampleId,
          found.toString(),
          "",
          "leads out of the dataset root "
              + root
              + " through a symbolic link; files and folders (and links to them) must stay inside"
              + " the root");
    }
    return found;
  }

  /**
   * Whether {@code path}, once every symbolic link on it is followed, lies inside the root. A path
   * that does not exist (a dangling link included) stays inside: reading it fails with its own
   * message.
   */
  public boolean staysInside(Path path) {
    try {
      return inside(path);
    } catch (IOException e) {
      throw new DatasetFormatException(
          path.toString(), "", "cannot follow its symbolic links: " + FailureText.of(e), e);
    }
  }

  private boolean inside(Path path) throws IOException {
    try {
      return path.toRealPath().startsWith(realRoot);
    } catch (NoSuchFileException e) {
      return true;
    }
  }
}
