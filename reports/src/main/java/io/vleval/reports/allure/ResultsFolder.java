package io.vleval.reports.allure;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.run.OutputFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An Allure results folder that vleval shares with whoever else writes there (Allure folders
 * commonly gather several producers' results, and CI copies a {@code history/} folder in). vleval
 * records the names of the files it wrote in {@value #MANIFEST}; writing again replaces those files
 * and removes the ones the new results no longer have, writes beside every other file, and refuses
 * to overwrite a file it did not write (unless the new file has exactly the same bytes, which loses
 * nothing). It never deletes a file it has no record of writing.
 *
 * <p>New results are first written completely into a staging folder inside the results folder, so a
 * failure while rendering them leaves the folder as it was; then each file is moved into place with
 * an atomic rename.
 */
final class ResultsFolder {

  /** The names of the files vleval wrote into the folder, one per line. */
  static final String MANIFEST = ".vleval-files";

  private static final String STAGING_PREFIX = ".vleval-staging-";

  private final Path directory;

  ResultsFolder(Path directory) {
    this.directory = directory;
  }

  /** A fresh, empty staging folder inside the results folder (created if needed). */
  Path stage() {
    try {
      Files.createDirectories(directory);
      return Files.createTempDirectory(directory, STAGING_PREFIX);
    } catch (IOException e) {
      throw new VlevalException(
          directory + ": cannot create the Allure results folder: " + e.getMessage(), e);
    }
  }

  /**
   * Moves every file of {@code staging} into the folder, replacing the files vleval wrote before,
   * removes those of vleval's earlier files that the new results do not have, and deletes the
   * staging folder.
   *
   * @throws VlevalException naming the files it would overwrite that vleval did not write; then
   *     nothing in the folder has changed
   */
  void publish(Path staging) {
    Set<String> fresh = names(staging);
    Set<String> previous = manifest();
    List<String> foreign = new ArrayList<>();
    for (String name : fresh) {
      Path target = directory.resolve(name);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !previous.contains(name)
          && !sameBytes(target, staging.resolve(name))) {
        foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      throw new VlevalException(
          directory
              + ": holds "
              + foreign.size()
              + (foreign.size() == 1 ? " file" : " files")
              + " that vleval did not write and would overwrite ("
              + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
              + (foreign.size() > 5 ? ", ..." : "")
              + "); vleval only replaces the files it lists in "
              + MANIFEST
              + ", so move them away or write the Allure results to another folder");
    }
    // the manifest names every file that may be ours while files move, so an interrupted write is
    // still recognised as ours next time
    Set<String> during = new TreeSet<>(previous);
    during.addAll(fresh);
    writeManifest(during);
    for (String name : fresh) {
      move(staging.resolve(name), directory.resolve(name));
    }
    for (String name : previous) {
      if (!fresh.contains(name)) {
        Path stale = directory.resolve(name);
        try {
          if (Files.isRegularFile(stale, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(stale);
          }
        } catch (IOException e) {
          throw new VlevalException(
              stale + ": cannot remove vleval's earlier Allure result: " + e.getMessage(), e);
        }
      }
    }
    writeManifest(fresh);
  }

  /** Deletes a staging folder and what is in it (only files vleval just wrote there). */
  static void discard(Path staging) {
    if (staging == null || !Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(staging)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new VlevalException(
          staging + ": cannot remove the staging folder: " + e.getMessage(), e);
    }
  }

  private Set<String> manifest() {
    Path file = directory.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return Set.of();
    }
    try {
      Set<String> out = new TreeSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String name = line.strip();
        // only plain names of this folder: a hand-edited manifest cannot point elsewhere
        if (!name.isEmpty() && isPlainName(name)) {
          out.add(name);
        }
      }
      return out;
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static boolean isPlainName(String name) {
    return !name.contains("/")
        && !name.contains("\\")
        && !name.equals(".")
        && !name.equals("..")
        && !name.equals(MANIFEST);
  }

  private void writeManifest(Set<String> names) {
    StringBuilder out = new StringBuilder();
    for (String n : names) {
      out.append(n).append('\n');
    }
    OutputFiles.write(directory.resolve(MANIFEST), out.toString());
  }

  private static Set<String> names(Path staging) {
    Set<String> out = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path f : files) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalStateException("Allure's writer left a non-file in staging: " + f);
        }
        out.add(f.getFileName().toString());
      }
    } catch (IOException e) {
      throw new VlevalException(staging + ": cannot list: " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean sameBytes(Path a, Path b) {
    try {
      return Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(a, b) == -1;
    } catch (IOException e) {
      return false; // unreadable: treated as different, so it is never overwritten
    }
  }

  private static void move(Path from, Path to) {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new VlevalException(to + ": cannot write the Allure result: " + e.getMessage(), e);
    }
  }
}
