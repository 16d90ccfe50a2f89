package io.vleval.datasets.layout;

import io.vleval.api.error.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A dataset's root folder. Paths read from annotation files are resolved against it and must stay
 * inside it: an absolute path, a {@code ..} that climbs out, or a symbolic link that leads out is
 * refused with the annotation file and place named.
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
   */
  public Path resolve(String relative, String annotationFile, String place, String sampleId) {
    if (relative == null || relative.isBlank()) {
      throw DatasetFormatException.forSample(sampleId, annotationFile, place, "empty path");
    }
    Path given;
    try {
      given = Path.of(relative);
    } catch (InvalidPathException e) {
      throw DatasetFormatException.forSample(
          sampleId, annotationFile, place, "invalid path '" + relative + "'");
    }
    if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
      throw DatasetFormatException.forSample(
          sampleId,
          annotationFile,
          place,
          "absolute path '"
              + relative
              + "' is not allowed; paths must stay inside the dataset root "
              + root);
    }
    Path resolved = root.resolve(given).normalize();
    if (!resolved.startsWith(root)) {
      throw DatasetFormatException.forSample(
          sampleId,
          annotationFile,
          place,
          "path '" + relative + "' leaves the dataset root " + root);
    }
    if (Files.exists(resolved)) {
      try {
        if (!resolved.toRealPath().startsWith(realRoot)) {
          throw DatasetFormatException.forSample(
              sampleId,
              annotationFile,
              place,
              "path '"
                  + relative
                  + "' leads out of the dataset root "
                  + root
                  + " through a symbolic link");
        }
      } catch (IOException e) {
        throw DatasetFormatException.forSample(
            sampleId, annotationFile, place, "cannot resolve '" + relative + "': " + e);
      }
    }
    return resolved;
  }
}
